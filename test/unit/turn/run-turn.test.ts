import { NOTICE_TEXTS, type NoticeLanguage } from '../../../src/conversations/notices';
import type { GeneratedUnderstanding, ModerationVerdict, ReplyRequest } from '../../../src/model/model-client';
import type { SummaryRequest } from '../../../src/model/summary-prompt';
import type { OutboundReply } from '../../../src/platforms/platform-adapter';
import { LONGEST_WAIT_IN_TURN_MS } from '../../../src/turn/deliver-reply';
import { runTurn } from '../../../src/turn/run-turn';
import type { ReplyBrief, ReplySettings, TurnInput } from '../../../src/turn/turn-contract';
import type { CallFailure, StoredDraft, TurnIO } from '../../../src/turn/turn-io';
import type { Understanding } from '../../../src/understanding/understanding';

const REFUSAL_REPLY = NOTICE_TEXTS.refusal.en;

/** A failure as the fake services throw it; `classify` reads it back. */
class FakeFailure extends Error {
  constructor(readonly failure: CallFailure) {
    super(failure.message);
  }
}
const fail = (failure: CallFailure) => new FakeFailure(failure);

/** Plain fakes for every outside call, on a clock that moves only when the pipeline sleeps. */
function fakeIO(
  options: {
    replies?: Array<string | CallFailure>;
    flagged?: string[];
    moderationDown?: boolean;
    /** The model's classification; by default there is no model to classify (offline). */
    understanding?: GeneratedUnderstanding | CallFailure;
    /** When the person last wrote in the chat (ms); null: never. */
    lastInboundAt?: number | null;
  } = {},
) {
  let clock = 1_000_000;
  const replies = [...(options.replies ?? ['a reply'])];
  const calls = { timeline: [] as string[], model: 0, requests: [] as ReplyRequest[], understand: 0, moderate: [] as Array<[string, string]>, sends: [] as OutboundReply[], sleeps: [] as number[], summaries: [] as SummaryRequest[] };
  const db: {
    summary?: string; understood?: { messageIds: string[]; understanding: Understanding }; draft?: StoredDraft; recorded?: Parameters<TurnIO['recordReply']>[0]; failure?: unknown } = {};
  let sendFailures: CallFailure[] = [];
  let humanTookOverAfterSends: number | undefined;

  const io: TurnIO = {
    seesImages: true,
    lastInboundAt: async () => options.lastInboundAt ?? null,
    mediaBytes: async (ids) => new Map(ids.map((id) => [id, Buffer.from(`bytes of ${id}`)])),
    async generateReply(request) {
      calls.model++;
      calls.requests.push(request);
      calls.timeline.push('model');
      const next = replies.length > 1 ? replies.shift()! : replies[0]!;
      if (typeof next !== 'string') throw fail(next);
      return { text: next, model: 'fake-model', tokens: { prompt: 10, completion: 5 }, offline: false };
    },
    async moderate(text, provider): Promise<ModerationVerdict> {
      calls.moderate.push([text, provider]);
      if (provider === 'configured' && options.moderationDown) throw fail({ retry: 'backoff', type: 'Error', message: 'moderation down' });
      const flagged = (options.flagged ?? []).some((word) => text.includes(word));
      return { flagged, categories: flagged ? ['harassment'] : [], provider: provider === 'configured' ? 'openai' : 'word-list' };
    },
    async understand() {
      calls.understand++;
      const given = options.understanding;
      if (given && !('understanding' in given)) throw fail(given);
      return given ?? null;
    },
    async saveUnderstanding(messageIds, understanding) {
      db.understood = { messageIds, understanding };
    },
    async send(part) {
      const failure = sendFailures.shift();
      if (failure) throw fail(failure);
      calls.sends.push(part);
      calls.timeline.push('send');
      return { platformMessageIds: [`pm-${calls.sends.length}`] };
    },
    async summarise(request) {
      calls.summaries.push(request);
      return { text: `summary of ${request.entries.length} entries`, tokens: null };
    },
    async saveSummary(summary) {
      db.summary = summary;
    },
    classify: (error) => (error as FakeFailure).failure,
    // One dollar per million prompt tokens and two per million completion tokens; other models have no price.
    costOf: (model, tokens) => (model === 'fake-model' ? (tokens.prompt + 2 * tokens.completion) / 1_000_000 : null),
    async botMayReply() {
      return humanTookOverAfterSends === undefined || calls.sends.length < humanTookOverAfterSends;
    },
    async earlierWork() {
      return { ...(db.recorded ? { recorded: { text: db.recorded.text, kind: db.recorded.kind, status: db.recorded.status } } : {}), ...(db.draft ? { draft: db.draft } : {}) };
    },
    async saveDraft(draft) {
      db.draft ??= { ...draft, partsSent: 0, deliveryIds: [] };
      return db.draft;
    },
    async markPartsSent(partsSent, deliveryIds) {
      db.draft = { ...db.draft!, partsSent, deliveryIds };
    },
    async discardDraft() {
      delete db.draft;
    },
    async recordReply(reply) {
      db.recorded ??= reply;
      delete db.draft;
    },
    async recordFailure(failure) {
      db.failure = failure;
    },
    now: () => clock,
    async sleep(ms) {
      calls.sleeps.push(ms);
      clock += ms;
    },
    progress: () => {},
    typing: {
      start: () => void calls.timeline.push('typing starts'),
      stop: async () => void calls.timeline.push('typing stops'),
    },
  };
  return {
    io,
    calls,
    db,
    failSends: (...failures: CallFailure[]) => (sendFailures = failures),
    humanTakesOverAfter: (sends: number) => (humanTookOverAfterSends = sends),
  };
}

const BOT: ReplySettings = {
  systemPrompt: 'Be brief.',
  model: 'fake-model',
  temperature: null,
  maxReplyTokens: null,
  moderationPolicy: 'block' as const,
  fallbackReply: 'Sorry, try again later.',
  contextTokenBudget: 4000,
  intents: [],
  handoffPattern: null,
  maxToolSteps: 4,
  vision: null,
  offerChoices: false,
  tools: [],
};

function turn(overrides: Partial<TurnInput> = {}): TurnInput {
  return {
    key: { botId: 'bot-1', platform: 'api', chatId: 'chat-1' },
    conversationId: 'c-1',
    outboundKey: 'reply:m1',
    author: 'bot',
    reply: { write: { messageIds: ['m1'], language: null, userText: 'hello', history: [], summary: null, bot: BOT } },
    lastSentAt: null,
    ...overrides,
  };
}

const telegram = { botId: 'bot-1', platform: 'telegram' as const, chatId: 'chat-1' };
/** Three paragraphs that Telegram's 4,096-character limit splits into three parts. */
const longReply = ['a'.repeat(4000), 'b'.repeat(4000), 'c'.repeat(100)].join('\n\n');

describe('the turn pipeline', () => {
  it('moderates the message, writes the reply, moderates it, sends it and records it, and says so step by step', async () => {
    const fake = fakeIO();
    const report = await runTurn(turn(), fake.io, false);
    const replyUsage = { step: 'reply', model: 'fake-model', promptTokens: 10, completionTokens: 5, costUsd: 0.00002 };
    expect(report).toMatchObject({ outcome: 'sent', reply: { text: 'a reply', kind: 'reply' }, partsSent: 1, usage: [replyUsage] });
    expect(report.steps.map((s) => s.step)).toEqual(['understand', 'moderate', 'write', 'moderate', 'send']);
    expect(fake.calls.moderate).toEqual([['hello', 'configured'], ['a reply', 'configured']]);
    expect(fake.calls.sends.map((s) => [s.text, s.outboundKey])).toEqual([['a reply', 'reply:m1']]);
    expect(fake.db.recorded).toMatchObject({ text: 'a reply', status: 'sent', deliveryIds: ['pm-1'], usage: [replyUsage] });
    expect(fake.db.draft).toBeUndefined();
  });

  it('refuses a blocked message without asking the model, and reports the flag', async () => {
    const fake = fakeIO({ flagged: ['forbidden'] });
    const report = await runTurn(turn({ reply: { write: { messageIds: ['m1'], language: null, userText: 'the forbidden topic', history: [], summary: null, bot: BOT } } }), fake.io, false);
    expect(report.reply).toEqual({ text: REFUSAL_REPLY, kind: 'refusal' });
    expect(report.flagged).toEqual([{ categories: ['harassment'] }]);
    expect(fake.calls.model).toBe(0);
  });

  it("refuses a reply that moderation blocks, and counts every flag on the stored reply", async () => {
    const fake = fakeIO({ replies: ['here is the forbidden answer'], flagged: ['forbidden'] });
    const report = await runTurn(turn(), fake.io, false);
    expect(report.reply).toEqual({ text: REFUSAL_REPLY, kind: 'refusal' });
    expect(report.steps.map((s) => s.step)).toEqual(['understand', 'moderate', 'write', 'moderate', 'write', 'send']);
    expect(fake.calls.sends.map((s) => s.text)).toEqual([REFUSAL_REPLY]);
    expect(fake.db.recorded).toMatchObject({ kind: 'refusal', moderationFlags: 1 });

    // Under the `flag` policy the reply goes out, and the flags are still counted.
    const flagOnly = fakeIO({ replies: ['the forbidden answer'], flagged: ['forbidden'] });
    const flaggedTurn = turn({ reply: { write: { messageIds: ['m1'], language: null, userText: 'a forbidden question', history: [], summary: null, bot: { ...BOT, moderationPolicy: 'flag' } } } });
    const flaggedReport = await runTurn(flaggedTurn, flagOnly.io, false);
    expect(flaggedReport.reply).toEqual({ text: 'the forbidden answer', kind: 'reply' });
    expect(flagOnly.db.recorded).toMatchObject({ moderationFlags: 2 });
  });

  it('lets the word list decide when the moderation service keeps failing', async () => {
    const fake = fakeIO({ moderationDown: true, flagged: ['forbidden'] });
    const report = await runTurn(turn({ reply: { write: { messageIds: ['m1'], language: null, userText: 'the forbidden topic', history: [], summary: null, bot: BOT } } }), fake.io, false);
    expect(report.reply.kind).toBe('refusal');
    expect(fake.calls.moderate.filter(([, provider]) => provider === 'configured')).toHaveLength(4);
    expect(report.steps[1]).toMatchObject({ step: 'moderate', provider: 'word-list', degraded: expect.stringContaining('word list decided') });
  });

  it('falls back after four failed model calls, with backoff between them, and at once when the model rejects the request', async () => {
    const down = fakeIO({ replies: [{ retry: 'backoff', type: 'Error', message: 'server error' }] });
    const report = await runTurn(turn(), down.io, false);
    expect(report.reply).toEqual({ text: BOT.fallbackReply, kind: 'fallback' });
    expect(down.calls.model).toBe(4);
    expect(down.calls.sleeps).toEqual([1_000, 2_000, 4_000]);

    const rejected = fakeIO({ replies: [{ retry: 'never', type: 'ModelRequestRejected', message: 'bad request' }] });
    expect((await runTurn(turn(), rejected.io, false)).reply.kind).toBe('fallback');
    expect(rejected.calls.model).toBe(1);
  });

  it('waits as long as the model server asks', async () => {
    const fake = fakeIO({ replies: [{ retry: 'after', afterMs: 3_000, type: 'ModelRateLimited', message: '429' }, 'later'] });
    expect((await runTurn(turn(), fake.io, false)).reply.text).toBe('later');
    expect(fake.calls.sleeps).toEqual([3_000]);
  });

  it('sends a long reply in paced parts, each counted in the draft before the next', async () => {
    const fake = fakeIO({ replies: [longReply] });
    const report = await runTurn(turn({ key: telegram, lastSentAt: 1_000_000 - 400 }), fake.io, false);
    expect(fake.calls.sends.map((s) => s.outboundKey)).toEqual(['reply:m1#1/3', 'reply:m1#2/3', 'reply:m1#3/3']);
    // Telegram takes one message a second per chat: 600 ms left from the previous turn, then a second each.
    expect(fake.calls.sleeps).toEqual([600, 1_000, 1_000]);
    expect(report).toMatchObject({ outcome: 'sent', partsSent: 3, lastSentAt: 1_000_000 + 2_600 });
    expect(fake.db.recorded).toMatchObject({ deliveryIds: ['pm-1', 'pm-2', 'pm-3'] });
  });

  it('resumes a retried turn after the last part sent, without asking the model again', async () => {
    const fake = fakeIO({ replies: ['never used'] });
    fake.db.draft = { text: longReply, kind: 'reply', usage: [], moderationFlags: 0, attachments: [], choices: [], partsSent: 2, deliveryIds: ['pm-a', 'pm-b'] };
    const report = await runTurn(turn({ key: telegram }), fake.io, true);
    expect(fake.calls.model).toBe(0);
    expect(fake.calls.sends.map((s) => s.outboundKey)).toEqual(['reply:m1#3/3']);
    expect(report.steps[0]).toEqual({ step: 'resume', from: 'part 3' });
    expect(fake.db.recorded).toMatchObject({ text: longReply, deliveryIds: ['pm-a', 'pm-b', 'pm-1'] });
  });

  it('does nothing again when an earlier attempt already recorded the reply', async () => {
    const fake = fakeIO();
    fake.db.recorded = { text: 'sent before', kind: 'reply', status: 'sent', deliveryIds: ['pm-0'], usage: [], moderationFlags: 0, attachments: [], choices: [] };
    const report = await runTurn(turn(), fake.io, true);
    expect(report).toMatchObject({ outcome: 'sent', reply: { text: 'sent before' } });
    expect(fake.calls.sends).toHaveLength(0);
    expect(fake.calls.model).toBe(0);
  });

  it('stops before the first part a takeover reaches, and keeps what went out', async () => {
    const fake = fakeIO({ replies: [longReply] });
    fake.humanTakesOverAfter(1);
    const report = await runTurn(turn({ key: telegram }), fake.io, false);
    expect(report).toMatchObject({ outcome: 'suppressed', partsSent: 1 });
    expect(fake.calls.sends).toHaveLength(1);
    expect(fake.db.recorded).toMatchObject({ text: 'a'.repeat(4000), status: 'sent' });

    const notice = fakeIO();
    notice.humanTakesOverAfter(0);
    const said = await runTurn(turn({ reply: { say: { text: 'A person will join.', kind: 'notice' } } }), notice.io, false);
    expect(said.outcome).toBe('sent');
  });

  it('records a permanent refusal as failed, and the conversation error', async () => {
    const fake = fakeIO();
    fake.failSends({ retry: 'never', type: 'TelegramBotBlocked', message: 'bot was blocked by the user' });
    const report = await runTurn(turn(), fake.io, false);
    expect(report).toMatchObject({ outcome: 'failed', failure: { type: 'TelegramBotBlocked' } });
    expect(fake.db.failure).toEqual({ type: 'TelegramBotBlocked', message: 'bot was blocked by the user' });
    expect(fake.db.recorded).toMatchObject({ status: 'failed', text: 'a reply' });
  });

  it('waits out a short Retry-After in the turn, and hands a long one to Temporal with the draft kept', async () => {
    const short = fakeIO();
    short.failSends({ retry: 'after', afterMs: 2_000, type: 'TelegramRateLimited', message: '429' });
    expect((await runTurn(turn(), short.io, false)).outcome).toBe('sent');
    expect(short.calls.sleeps).toEqual([2_000]);

    const long = fakeIO();
    long.failSends({ retry: 'after', afterMs: LONGEST_WAIT_IN_TURN_MS + 1, type: 'TelegramRateLimited', message: '429' });
    await expect(runTurn(turn(), long.io, false)).rejects.toThrow('429');
    expect(long.db.draft).toMatchObject({ text: 'a reply', partsSent: 0 });
    // The retry sends the same reply without writing it again.
    const retried = await runTurn(turn(), long.io, true);
    expect(retried.outcome).toBe('sent');
    expect(long.calls.model).toBe(1);
  });

  it('folds the oldest turns into a summary when the prompt would pass the budget, and saves it', async () => {
    const fake = fakeIO();
    const history = Array.from({ length: 40 }, (_, i) => ({ role: i % 2 === 0 ? ('user' as const) : ('assistant' as const), text: `turn ${i} ${'word '.repeat(30)}` }));
    const small = { ...BOT, moderationPolicy: 'off' as const, contextTokenBudget: 600 };
    const report = await runTurn(turn({ reply: { write: { messageIds: ['m1'], language: null, userText: 'and now?', history, summary: 'earlier: Zelda', bot: small } } }), fake.io, false);
    expect(fake.calls.summaries).toHaveLength(1);
    expect(fake.calls.summaries[0]).toMatchObject({ previousSummary: 'earlier: Zelda', entries: history.slice(0, report.memory!.folded) });
    expect(report.memory).toEqual({ summary: `summary of ${report.memory!.folded} entries`, folded: expect.any(Number) });
    expect(fake.db.summary).toBe(report.memory!.summary);
    const remembered = report.steps.find((s) => s.step === 'remember');
    expect(remembered).toMatchObject({ folded: report.memory!.folded, budget: 600 });
    expect((remembered as { promptTokens: number }).promptTokens).toBeLessThanOrEqual(600);
  });

  it('shows typing from when the model is asked until just before the reply goes out', async () => {
    const fake = fakeIO({ replies: [longReply] });
    await runTurn(turn({ key: telegram }), fake.io, false);
    expect(fake.calls.timeline).toEqual(['typing starts', 'model', 'typing stops', 'send', 'send', 'send']);
  });

  it('shows no typing for a reply the model does not write: a notice, a refused message, a resumed turn', async () => {
    const notice = fakeIO();
    await runTurn(turn({ reply: { say: { text: 'An agent will be with you shortly.', kind: 'notice' } } }), notice.io, false);
    expect(notice.calls.timeline.filter((event) => event === 'typing starts')).toEqual([]);

    const refused = fakeIO({ flagged: ['forbidden'] });
    await runTurn(turn({ reply: { write: { messageIds: ['m1'], language: null, userText: 'the forbidden topic', history: [], summary: null, bot: BOT } } }), refused.io, false);
    expect(refused.calls.timeline.filter((event) => event === 'typing starts')).toEqual([]);

    const resumed = fakeIO();
    resumed.db.draft = { text: 'written before', kind: 'reply', usage: [], moderationFlags: 0, attachments: [], choices: [], partsSent: 0, deliveryIds: [] };
    await runTurn(turn(), resumed.io, true);
    expect(resumed.calls.timeline.filter((event) => event === 'typing starts')).toEqual([]);
  });

  it('says a fixed text as given, without the model or moderation', async () => {
    const fake = fakeIO();
    const report = await runTurn(turn({ author: 'agent', reply: { say: { text: 'Hi, I am Sam.', kind: 'reply' } } }), fake.io, false);
    expect(report.reply).toEqual({ text: 'Hi, I am Sam.', kind: 'reply' });
    expect(fake.calls.model).toBe(0);
    expect(fake.calls.moderate).toHaveLength(0);
  });
});

describe('understanding in the turn pipeline', () => {
  const write = (userText: string, bot: Partial<ReplySettings> = {}, language: string | null = null): TurnInput['reply'] => ({
    write: { messageIds: ['m1'], language, userText, history: [], summary: null, bot: { ...BOT, ...bot } },
  });
  const byModel = (understanding: Partial<Understanding>): GeneratedUnderstanding => ({
    understanding: { sentiment: { label: 'neutral', score: 0 }, intent: { name: 'other', confidence: 0.9 }, language: 'en', decidedBy: 'model', ...understanding },
    model: 'fake-model',
    tokens: { prompt: 30, completion: 12 },
  });

  it.each([
    ['Spanish', 'Hola, quiero hablar con un humano por favor', 'es'],
    ['German', 'Kann ich bitte mit einem Menschen sprechen?', 'de'],
  ])('hands a %s request for a human over without the model, with the notice in that language', async (_, text, language) => {
    const fake = fakeIO();
    const report = await runTurn(turn({ reply: write(text) }), fake.io, false);
    expect(report).toMatchObject({ handoff: true, reply: { text: NOTICE_TEXTS.handoffRequested[language as NoticeLanguage], kind: 'notice' } });
    expect(fake.calls.model).toBe(0);
    expect(fake.db.understood).toMatchObject({ messageIds: ['m1'], understanding: { intent: { name: 'human' }, language, decidedBy: 'local' } });
    expect(report.steps.map((s) => s.step)).toEqual(['understand', 'moderate', 'act', 'send']);
  });

  it("takes the model's classification when there is one, and says so", async () => {
    const fake = fakeIO({ understanding: byModel({ sentiment: { label: 'negative', score: -0.7 }, language: 'fr' }) });
    const report = await runTurn(turn({ reply: write('Ça ne marche toujours pas') }), fake.io, false);
    expect(report.understanding).toMatchObject({ sentiment: { label: 'negative' }, language: 'fr', decidedBy: 'model' });
    expect(report.steps[0]).toMatchObject({ step: 'understand', decidedBy: 'model', tokens: { prompt: 30, completion: 12 } });
    // Both model calls are in the turn's usage, each with its tokens and cost.
    expect(report.usage).toEqual([
      { step: 'understand', model: 'fake-model', promptTokens: 30, completionTokens: 12, costUsd: 0.000054 },
      { step: 'reply', model: 'fake-model', promptTokens: 10, completionTokens: 5, costUsd: 0.00002 },
    ]);
    expect(fake.db.recorded!.usage).toEqual(report.usage);
    // The model is told the person's language.
    expect(fake.calls.requests[0]!.systemPrompt).toBe('Be brief.\n\nThe person writes in French (fr). Answer in that language unless they ask for another.');
  });

  it('lets the local packages decide when the classification keeps failing, and the turn goes on', async () => {
    const fake = fakeIO({ understanding: { retry: 'backoff', type: 'Error', message: 'server error' } });
    const report = await runTurn(turn({ reply: write('I want to speak to a person') }), fake.io, false);
    expect(fake.calls.understand).toBe(2);
    expect(report.steps[0]).toMatchObject({ step: 'understand', decidedBy: 'local', intent: 'human', degraded: expect.stringContaining('server error') });
    expect(report.handoff).toBe(true);
  });

  it("answers an intent's fixed reply without the model, and acts on nothing it is unsure of", async () => {
    const hours = { name: 'opening_hours', description: 'When the shop is open', examples: ['when are you open'], action: { type: 'reply' as const, text: 'We are open 9 to 5.' } };
    const fake = fakeIO();
    const report = await runTurn(turn({ reply: write('hey, when are you open today?', { intents: [hours] }) }), fake.io, false);
    expect(report.reply).toEqual({ text: 'We are open 9 to 5.', kind: 'reply' });
    expect(report.handoff).toBeUndefined();
    expect(fake.calls.model).toBe(0);

    const unsure = fakeIO({ understanding: byModel({ intent: { name: 'opening_hours', confidence: 0.3 } }) });
    expect((await runTurn(turn({ reply: write('open?', { intents: [hours] }) }), unsure.io, false)).reply.text).toBe('a reply');
  });

  it("hands over by the bot's own pattern, and refuses in the person's language", async () => {
    const fake = fakeIO();
    const report = await runTurn(turn({ reply: write('get me your manager', { handoffPattern: '\\bmanager\\b' }) }), fake.io, false);
    expect(report.handoff).toBe(true);
    // The person is handed over: no "typing…" promises a reply that will not come.
    expect(fake.calls.timeline.filter((event) => event === 'typing starts')).toEqual([]);
    expect(report.steps[0]).toMatchObject({ intent: 'human', confidence: 1, note: "the bot's handoff pattern matched" });

    const blocked = fakeIO({ flagged: ['prohibido'] });
    const refused = await runTurn(turn({ reply: write('hablemos del tema prohibido, por favor') }), blocked.io, false);
    expect(refused.reply).toEqual({ text: NOTICE_TEXTS.refusal.es, kind: 'refusal' });
  });

  it('keeps the conversation language for a message too short to tell, and translates only the default fallback', async () => {
    const down = { retry: 'never', type: 'ModelRequestRejected', message: 'bad request' } as const;
    const fake = fakeIO({ replies: [down] });
    const report = await runTurn(turn({ reply: write('ok', { fallbackReply: NOTICE_TEXTS.fallback.en }, 'it') }), fake.io, false);
    expect(report.reply).toEqual({ text: NOTICE_TEXTS.fallback.it, kind: 'fallback' });
    const own = fakeIO({ replies: [down] });
    expect((await runTurn(turn({ reply: write('ok', {}, 'it') }), own.io, false)).reply.text).toBe(BOT.fallbackReply);
  });

  it('still reports the handoff when a retry resumes its notice', async () => {
    const fake = fakeIO();
    fake.db.draft = { text: NOTICE_TEXTS.handoffRequested.de, kind: 'notice', usage: [], moderationFlags: 0, attachments: [], choices: [], partsSent: 0, deliveryIds: [] };
    const report = await runTurn(turn({ reply: write('Ich will mit einem Menschen sprechen') }), fake.io, true);
    expect(report).toMatchObject({ outcome: 'sent', handoff: true });
    expect(fake.calls.understand).toBe(0);
  });
});

describe('tools in the turn pipeline', () => {
  const weather = { name: 'weather', description: 'The weather', parameters: { type: 'object' }, timeoutMs: 5_000 };
  const toolCall = { id: 'call-1', name: 'weather', arguments: '{"city":"Lisbon"}' };

  it('stops when the model asks for tools, sending nothing, and goes on from what it carried once they answered', async () => {
    const fake = fakeIO();
    let asked = 0;
    fake.io.generateReply = async (request) => {
      fake.calls.requests.push(request);
      asked++;
      if (asked === 1) return { text: '', model: 'fake-model', tokens: { prompt: 20, completion: 4 }, offline: false, toolCalls: [toolCall] };
      return { text: 'Sunny in Lisbon.', model: 'fake-model', tokens: { prompt: 40, completion: 6 }, offline: false };
    };
    const brief = { messageIds: ['m1'], language: null, userText: 'weather in Lisbon?', history: [], summary: null, bot: { ...BOT, tools: [weather] } };
    const first = await runTurn(turn({ reply: { write: brief } }), fake.io, false);
    expect(first).toMatchObject({ outcome: 'tools', toolCalls: [toolCall], partsSent: 0 });
    expect(fake.calls.sends).toHaveLength(0);
    expect(fake.db.draft).toBeUndefined();
    expect(fake.calls.requests[0]!.tools).toEqual([weather]);

    const results = [{ callId: 'call-1', name: 'weather', ok: true as const, content: '{"sky":"clear"}' }];
    const next = { write: { ...brief, toolRounds: [{ calls: [toolCall], results }], carried: first.carried } };
    const moderatedBefore = fake.calls.moderate.length;
    const second = await runTurn(turn({ reply: next }), fake.io, false);
    expect(second).toMatchObject({ outcome: 'sent', reply: { text: 'Sunny in Lisbon.' } });
    // Not understood or moderated again: only the reply is moderated.
    expect(fake.calls.moderate.slice(moderatedBefore)).toEqual([['Sunny in Lisbon.', 'configured']]);
    expect(fake.calls.requests[1]!.toolRounds).toEqual(next.write.toolRounds);
    expect(second.usage.map((u) => u.step)).toEqual(['tool', 'reply']);
  });

  it('offers no tools once the turn used its rounds', async () => {
    const fake = fakeIO();
    const rounds = [{ calls: [toolCall], results: [{ callId: 'call-1', name: 'weather', ok: false as const, error: 'down' }] }];
    const brief = { messageIds: ['m1'], language: null, userText: 'weather?', history: [], summary: null, bot: { ...BOT, tools: [weather], maxToolSteps: 1 }, toolRounds: rounds, carried: { usage: [], flagged: [] } };
    await runTurn(turn({ reply: { write: brief } }), fake.io, false);
    expect(fake.calls.requests[0]!.tools).toBeUndefined();
  });
});

describe('media in the turn pipeline', () => {
  const withMedia = (userText: string, media: ReplyBrief['media'], bot: Partial<ReplySettings> = {}, language: string | null = null): TurnInput =>
    turn({ reply: { write: { messageIds: ['m1'], language, userText, history: [], summary: null, bot: { ...BOT, ...bot }, media } } });

  it('shows a model that sees the photo, as bytes with its type', async () => {
    const fake = fakeIO();
    const report = await runTurn(withMedia('[photo]', { notes: [{ messageId: 'm1', index: 0, kind: 'image', mediaId: 'img-1', mimeType: 'image/png' }], hasWords: false }, { model: 'gpt-4o-mini' }), fake.io, false);
    expect(report.reply).toEqual({ text: 'a reply', kind: 'reply' });
    expect(fake.calls.requests[0]!.images).toEqual([{ mimeType: 'image/png', data: Buffer.from('bytes of img-1') }]);
    expect(report.steps[0]).toEqual({ step: 'media', images: 1, unreadable: false });
  });

  it("tells the person, in their language and without the model, that the bot cannot see a photo it cannot see", async () => {
    const fake = fakeIO();
    fake.io.seesImages = false;
    const report = await runTurn(withMedia('[photo]', { notes: [{ messageId: 'm1', index: 0, kind: 'image', mediaId: 'img-1' }], hasWords: false }, { model: 'gpt-4o-mini' }, 'es'), fake.io, false);
    expect(report.reply).toEqual({ text: 'Aquí no puedo ver imágenes. ¿Podrías contarme con palabras lo que muestra?', kind: 'notice' });
    expect(fake.calls.model).toBe(0);
  });

  it('says why a refused file was not read, and tells the model what it cannot read when there are words too', async () => {
    const refused = await runTurn(withMedia('[file: big.pdf]', { notes: [{ messageId: 'm1', index: 0, kind: 'file', problem: 'too-large' }], hasWords: false }), fakeIO().io, false);
    expect(refused.reply.text).toBe('That file is too large for me to open. Could you send a smaller one, or tell me in words?');

    const fake = fakeIO();
    await runTurn(withMedia('what does this say?\n[voice message]', { notes: [{ messageId: 'm1', index: 0, kind: 'audio', mediaId: 'a-1' }], hasWords: true }), fake.io, false);
    expect(fake.calls.requests[0]!.systemPrompt).toContain('a voice message nobody could transcribe');
    expect(fake.calls.requests[0]!.images).toBeUndefined();
  });
});

describe("WhatsApp's 24-hour window", () => {
  const whatsapp = { botId: 'bot-1', platform: 'whatsapp' as const, chatId: '15551234567' };
  const template = { name: 'order_update', language: 'en_US', parameters: ['Ada', '#1042'] };
  const proactive = turn({ key: whatsapp, author: 'bot', outboundKey: 'proactive:k1', reply: { say: { text: 'Your order #1042 has shipped.', kind: 'reply' } }, whatsappTemplate: template });

  it('sends the approved template instead of the text once the window has closed', async () => {
    const fake = fakeIO({ lastInboundAt: null });
    const report = await runTurn(proactive, fake.io, false);
    expect(report.outcome).toBe('sent');
    expect(fake.calls.sends.map((s) => [s.template, s.text])).toEqual([[template, 'Your order #1042 has shipped.']]);
    expect(report.steps.map((s) => s.step === 'send' && s.part)).toContain('template order_update');
  });

  it('sends the text while the person wrote within 24 hours', async () => {
    const fake = fakeIO({ lastInboundAt: 1_000_000 - 60_000 });
    await runTurn(proactive, fake.io, false);
    expect(fake.calls.sends.map((s) => [s.template, s.text])).toEqual([[undefined, 'Your order #1042 has shipped.']]);
  });
});
