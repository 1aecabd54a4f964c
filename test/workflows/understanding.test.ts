import { NOTICE_TEXTS } from '../../src/conversations/notices';
import { postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { scrape, sumOf } from '../support/prometheus-text';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('sentiment, intent and language of every message', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.fakeOpenAI.reset());

  const conversationOf = (chatId: string) =>
    waitFor(`the conversation of ${chatId}`, () => stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', chatId).executeTakeFirst());
  const messagesOf = async (conversationId: string) => (await requestJson(stack.baseUrl, `/v1/conversations/${conversationId}/messages`)).body.data;

  it.each([
    ['Spanish', 'es', 'model', 'Hola, quiero hablar con un humano por favor'],
    ['German', 'de', 'model', 'Ich möchte bitte mit einem Menschen sprechen'],
    ['Spanish (the classification down)', 'es', 'local', 'Hola, quiero hablar con un humano por favor'],
    ['German (the classification down)', 'de', 'local', 'Kann ich bitte mit einem Menschen sprechen?'],
  ])('hands the conversation over when a person asks for a human in %s, and says so in their language', async (_, language, decidedBy, text) => {
    if (decidedBy === 'local') stack.fakeOpenAI.setClassification({ kind: 'server-error' });
    const chatId = `human-${language}-${decidedBy}`;
    const res = await postApiMessage(stack, chatId, 'm1', text, true);
    expect(res.body.reply).toEqual({ status: 'replied', text: NOTICE_TEXTS.handoffRequested[language as 'es' | 'de'], kind: 'notice' });
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(0);
    const conversation = await conversationOf(chatId);
    expect(conversation.status).toBe('handoff');

    const [inbound] = await messagesOf(conversation.id);
    expect(inbound.understanding).toMatchObject({ intent: 'human', language, decidedBy });
  });

  it('stores what it understood on the message, counts it in analytics and in Prometheus, and tells the model the language', async () => {
    const before = await scrape(`${stack.baseUrl}/metrics`);
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const analytics = async () => (await requestJson(stack.baseUrl, `/v1/analytics/summary?botId=${stack.botId}&from=${from}&to=${to}`)).body.data.understanding;
    const earlier = await analytics();
    await postApiMessage(stack, 'moods', 'm1', 'This is terrible, I hate waiting for my order', true);
    const answered = await postApiMessage(stack, 'moods', 'm2', 'Hola, ¿dónde está mi pedido? Gracias', true);
    expect(answered.body.reply).toMatchObject({ status: 'replied', kind: 'reply' });
    const system = stack.fakeOpenAI.chatCalls().at(-1)!.body.messages[0].content as string;
    expect(system).toContain('The person writes in Spanish (es).');

    const conversation = await conversationOf('moods');
    const inbound = (await messagesOf(conversation.id)).filter((m: { direction: string }) => m.direction === 'inbound');
    expect(inbound.map((m: { understanding: unknown }) => m.understanding)).toEqual([
      { sentiment: 'negative', sentimentScore: -0.8, intent: 'other', intentConfidence: 0.5, language: 'en', decidedBy: 'model' },
      { sentiment: 'positive', sentimentScore: 0.8, intent: 'other', intentConfidence: 0.5, language: 'es', decidedBy: 'model' },
    ]);
    // The replies carry none: only people's messages are understood.
    expect((await messagesOf(conversation.id)).filter((m: { direction: string }) => m.direction === 'outbound').every((m: { understanding: unknown }) => m.understanding === null)).toBe(true);

    const now = await analytics();
    const count = (list: Array<{ messages: number } & Record<string, unknown>>, field: string, value: string) => list.find((item) => item[field] === value)?.messages ?? 0;
    expect(now.sentiment.negative - earlier.sentiment.negative).toBe(1);
    expect(now.sentiment.positive - earlier.sentiment.positive).toBe(1);
    expect(count(now.intents, 'intent', 'other') - count(earlier.intents, 'intent', 'other')).toBe(2);
    expect(count(now.languages, 'language', 'es') - count(earlier.languages, 'language', 'es')).toBe(1);
    expect(count(now.intents, 'intent', 'human')).toBe(4);

    const after = await scrape(`${stack.baseUrl}/metrics`);
    const grew = (name: string, labels: Record<string, string>) => sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(grew('chat_inbound_sentiment_total', { bot: stack.botId, sentiment: 'negative', decided_by: 'model' })).toBe(1);
    expect(grew('chat_inbound_languages_total', { bot: stack.botId, language: 'es' })).toBe(1);
    expect(grew('chat_inbound_intents_total', { bot: stack.botId, intent: 'other' })).toBe(2);
  });

  it("answers a bot's intent with its fixed reply, and refuses intents that cannot be right", async () => {
    const hours = { name: 'opening_hours', description: 'When the shop is open', examples: ['when are you open'], action: { type: 'reply', text: 'We are open 9 to 5.' } };
    const patch = (body: unknown) => requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body });
    expect((await patch({ intents: [hours] })).status).toBe(200);
    try {
      stack.fakeOpenAI.setClassification({ kind: 'keywords', force: { intent: 'opening_hours', intentConfidence: 0.9 } });
      const res = await postApiMessage(stack, 'hours', 'm1', 'are you open on Sunday?', true);
      expect(res.body.reply).toEqual({ status: 'replied', text: 'We are open 9 to 5.', kind: 'reply' });
      expect(stack.fakeOpenAI.chatCalls()).toHaveLength(0);

      const before = (await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`)).body.data.intents;
      const bad = [
        { intents: [{ ...hours, name: 'other' }] },
        { intents: [hours, hours] },
        { intents: Array.from({ length: 31 }, (_, i) => ({ ...hours, name: `intent_${i}` })) },
        { intents: [{ ...hours, name: 'Has Spaces' }] },
        { intents: [{ ...hours, action: { type: 'reply' } }] },
      ];
      for (const body of bad) expect((await patch(body)).status).toBe(400);
      expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`)).body.data.intents).toEqual(before);
    } finally {
      await patch({ intents: [] });
    }
  });
});
