import { NOTICE_TEXTS, noticeIn } from '../../src/conversations/notices';
import { matchIntentByExamples, tokensOf } from '../../src/understanding/example-matcher';
import { actionFor, HUMAN_INTENT, intentsOf } from '../../src/understanding/intents';
import { detectLanguage, understandLocally } from '../../src/understanding/local-understanding';
import { primaryLanguage } from '../../src/conversations/language';
import { toUnderstanding } from '../../src/model/understanding-prompt';

describe('understanding without a model', () => {
  it.each([
    ['Can I talk to a human please?', 'en'],
    ['please connect me to a human', 'en'],
    ['Hola, quiero hablar con un humano por favor', 'es'],
    ['Kann ich bitte mit einem Menschen sprechen?', 'de'],
    ['Je veux parler à un humain', 'fr'],
    ['Quero falar com um humano', 'pt'],
    ['Voglio parlare con un operatore', 'it'],
    ['Я хочу поговорить с человеком', 'ru'],
    ['أريد التحدث إلى إنسان', 'ar'],
    ['मैं किसी इंसान से बात करना चाहता हूँ', 'hi'],
    ['我要转人工', 'zh'],
    ['人間と話したいです', 'ja'],
  ])('hears "%s" as asking for a human, in %s', (text, language) => {
    const understood = understandLocally(text, [HUMAN_INTENT]);
    expect(understood).toMatchObject({ intent: { name: 'human' }, language, decidedBy: 'local' });
    expect(understood.intent.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it.each(['What is a human genome?', 'quiero hablar con un amigo', 'How do agents work in Temporal?', 'hello'])('hears no request for a human in "%s"', (text) =>
    expect(understandLocally(text, [HUMAN_INTENT]).intent).toEqual({ name: 'other', confidence: 0 }),
  );

  it('scores sentiment from the lexicon', () => {
    expect(understandLocally('This is terrible, I hate waiting', []).sentiment.label).toBe('negative');
    expect(understandLocally('Great, thanks a lot!', []).sentiment.label).toBe('positive');
    expect(understandLocally('where is my order', []).sentiment).toEqual({ label: 'neutral', score: 0 });
  });

  it('tells no language from one short word, rather than a wrong one', () => {
    expect(detectLanguage('hello')).toBe('und');
    expect(detectLanguage('ok')).toBe('und');
    expect(detectLanguage('where is my order')).toBe('en');
  });

  it('matches examples by their words, or by character pairs where words have no spaces', () => {
    expect(tokensOf('Él QUIERE hablar')).toEqual(['el', 'quiere', 'hablar']);
    expect(tokensOf('转人工')).toEqual(['转人', '人工']);
    const refund = { name: 'refund', description: 'Wants money back', examples: ['I want a refund'], action: { type: 'none' as const } };
    expect(matchIntentByExamples('hi, I want a refund for order 12', [refund])).toEqual({ name: 'refund', confidence: 1 });
    expect(matchIntentByExamples('I want a pizza', [refund])).toBeUndefined();
  });
});

describe('intents and their actions', () => {
  it('adds the built-in human intent unless the bot defines its own', () => {
    expect(intentsOf({ intents: [] }).map((i) => i.name)).toEqual(['human']);
    const own = { ...HUMAN_INTENT, action: { type: 'none' as const } };
    expect(intentsOf({ intents: [own] })).toEqual([own]);
  });

  it('acts only on a confident match of a known intent', () => {
    const intents = intentsOf({ intents: [] });
    expect(actionFor(intents, { name: 'human', confidence: 0.9 })).toEqual({ type: 'handoff' });
    expect(actionFor(intents, { name: 'human', confidence: 0.4 })).toEqual({ type: 'none' });
    expect(actionFor(intents, { name: 'other', confidence: 1 })).toEqual({ type: 'none' });
  });
});

describe("the model's classification", () => {
  it('is held to the stored ranges', () => {
    const understood = toUnderstanding({ sentiment: 'positive', sentimentScore: 3, intent: 'human', intentConfidence: -1, language: 'pt-BR' });
    expect(understood).toEqual({ sentiment: { label: 'positive', score: 1 }, intent: { name: 'human', confidence: 0 }, language: 'pt', decidedBy: 'model' });
    expect(toUnderstanding({ sentiment: 'negative', sentimentScore: 0, intent: 'other', intentConfidence: 1, language: 'not a tag!' })).toMatchObject({
      sentiment: { label: 'negative' },
      language: 'und',
    });
  });
});

describe('notices in the person’s language', () => {
  it('ships every notice in eleven languages, and falls back to English', () => {
    for (const texts of Object.values(NOTICE_TEXTS)) expect(Object.keys(texts).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'ja', 'pt', 'ru', 'zh']);
    expect(noticeIn('refusal', 'de-AT')).toBe(NOTICE_TEXTS.refusal.de);
    expect(noticeIn('refusal', 'sw')).toBe(NOTICE_TEXTS.refusal.en);
    expect(noticeIn('refusal', null)).toBe(NOTICE_TEXTS.refusal.en);
    expect(primaryLanguage('zh-Hans-CN')).toBe('zh');
  });
});
