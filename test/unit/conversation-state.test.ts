import { asksForHuman } from '../../workflows/legacy/first-shape-rules';
import { outboundKeyFor } from '../../src/conversations/outbound-parts';
import type { InboundMessage } from '../../src/conversations/inbound-message';
import {
  admitMessage,
  applyMemory,
  combineTurnText,
  createInitialState,
  debounceRemainingMs,
  decideTurn,
  findOutcome,
  LIMITS,
  nextBatch,
  recordOutcome,
  recordReport,
  recordTurn,
  recordUnanswered,
  shouldContinueAsNew,
  startOverWith,
} from '../../workflows/conversation-state';

const message = (messageId: string, text = messageId): InboundMessage => ({
  botId: 'bot',
  platform: 'api',
  chatId: 'chat',
  userId: 'user',
  messageId,
  text,
  attachments: [],
  receivedAt: '2026-11-28T00:00:00.000Z',
});

describe('admitMessage', () => {
  it('queues new messages in order of receipt and drops ids it has seen', () => {
    let state = createInitialState();
    for (const id of ['a', 'b', 'a', 'c', 'b']) state = admitMessage(state, message(id)).state;
    expect(state.queue.map((m) => m.messageId)).toEqual(['a', 'b', 'c']);
    expect(state.messagesIn).toBe(3);
  });

  it('remembers a bounded number of ids, forgetting the oldest first', () => {
    let state = createInitialState();
    for (let i = 0; i < LIMITS.seenMessageIds + 10; i++) state = admitMessage(state, message(`m${i}`)).state;
    expect(state.seenMessageIds).toHaveLength(LIMITS.seenMessageIds);
    expect(admitMessage(state, message('m0')).admitted).toBe(true);
    expect(admitMessage(state, message(`m${LIMITS.seenMessageIds + 9}`)).admitted).toBe(false);
  });
});

describe('debounceRemainingMs', () => {
  const windowMs = 1_000;
  it('waits a full window after the newest message', () => {
    expect(debounceRemainingMs({ firstQueuedAt: 0, lastQueuedAt: 500, now: 600, windowMs })).toBe(900);
  });
  it('never waits past the cap measured from the oldest message', () => {
    const cap = windowMs * LIMITS.debounceWindowsMax;
    expect(debounceRemainingMs({ firstQueuedAt: 0, lastQueuedAt: cap - 100, now: cap - 50, windowMs })).toBe(50);
  });
  it('does not wait with a zero window', () => {
    expect(debounceRemainingMs({ firstQueuedAt: 0, lastQueuedAt: 0, now: 0, windowMs: 0 })).toBe(0);
  });
});

describe('turn helpers', () => {
  it('reads a burst as one text, with what came with each message as text or a label', () => {
    const photo = { ...message('p', ''), attachments: [{ kind: 'image' as const, ref: 'file-1' }] };
    const voice = { ...message('v', ''), attachments: [{ kind: 'audio' as const, ref: 'file-2' }] };
    expect(combineTurnText([message('a', ' hi '), photo, message('b', 'there')])).toBe('hi\n[photo]\nthere');
    expect(combineTurnText([voice], [{ messageId: 'v', index: 0, kind: 'audio', transcript: 'are you open on sunday' }])).toBe('are you open on sunday');
  });

  it('keys a reply by the last message it answers', () => {
    expect(outboundKeyFor([message('a'), message('b')])).toBe('reply:b');
    expect(() => outboundKeyFor([])).toThrow();
  });

  it('keeps a bounded history of turns', () => {
    let state = createInitialState();
    const turns = LIMITS.historyEntries;
    for (let i = 0; i < turns; i++) state = recordTurn(state, `q${i}`, { text: `a${i}` });
    expect(state.history).toHaveLength(LIMITS.historyEntries);
    expect(state.history.at(-1)).toEqual({ role: 'assistant', text: `a${turns - 1}` });
    expect(state.repliesOut).toBe(turns);
  });

  it('finds the outcome of every message a turn answered', () => {
    const state = recordOutcome(createInitialState(), ['a', 'b'], { status: 'replied', text: 'ok', kind: 'reply' });
    expect(findOutcome(state, 'a')).toEqual(findOutcome(state, 'b'));
    expect(findOutcome(state, 'c')).toBeUndefined();
  });

  it('starts a new conversation with the queued messages and the seen ids, and nothing else', () => {
    let state = admitMessage(createInitialState(), message('a')).state;
    state = recordTurn({ ...state, conversationId: 'old', status: 'ended' }, 'a', { text: 'x' });
    const next = startOverWith(state);
    expect(next).toMatchObject({ conversationId: null, status: 'active', history: [], queue: state.queue });
    expect(next.seenMessageIds).toEqual(['a']);
  });
});

describe('shouldContinueAsNew', () => {
  it('follows Temporal\'s suggestion, and keeps runs short even without one', () => {
    expect(shouldContinueAsNew({ continueAsNewSuggested: true, historyLength: 10 })).toBe(true);
    expect(shouldContinueAsNew({ continueAsNewSuggested: false, historyLength: LIMITS.historyEventsPerRun })).toBe(true);
    expect(shouldContinueAsNew({ continueAsNewSuggested: false, historyLength: LIMITS.historyEventsPerRun - 1 })).toBe(false);
  });
});

describe('asksForHuman (the first shape\'s English rule, frozen for its replays)', () => {
  it.each(['Can I talk to a human?', 'I want to speak with someone', 'connect me to an agent please', 'real person please'])(
    'hands over for "%s"',
    (text) => expect(asksForHuman(text)).toBe(true),
  );
  it.each(['What is a human genome?', 'How do agents work in Temporal?', 'hello'])('keeps the bot for "%s"', (text) =>
    expect(asksForHuman(text)).toBe(false),
  );
});

describe('asksForHuman with a bot rule', () => {
  it('uses the bot pattern instead of the built-in one', () => {
    expect(asksForHuman('get me the manager', '\\bmanager\\b')).toBe(true);
    expect(asksForHuman('can I talk to a human?', '\\bmanager\\b')).toBe(false);
    expect(asksForHuman('can I talk to a human?', null)).toBe(true);
  });
});

describe('memory', () => {
  it('drops the turns the pipeline folded into the summary, and keeps the rest', () => {
    let state = createInitialState();
    for (let i = 0; i < 5; i++) state = recordTurn(state, `q${i}`, { text: `a${i}` });
    const folded = applyMemory(state, { summary: 'q0 and q1 were asked', folded: 4 });
    expect(folded.summary).toBe('q0 and q1 were asked');
    expect(folded.history[0]).toEqual({ role: 'user', text: 'q2' });
    expect(applyMemory(state, undefined)).toBe(state);
  });
});

describe('a turn', () => {
  const turn = { status: 'active' as const, enabled: true };

  it('is answered by the bot unless a human has the conversation or the bot is disabled', () => {
    expect(decideTurn(turn)).toEqual({ answer: 'reply' });
    expect(decideTurn({ ...turn, status: 'handoff' })).toEqual({ answer: 'none', reason: 'handoff' });
    expect(decideTurn({ ...turn, enabled: false })).toEqual({ answer: 'none', reason: 'disabled' });
  });

  it('records what the pipeline reports: the reply, a takeover that suppressed it, or a failed delivery', () => {
    const state = createInitialState();
    const reply = { text: 'hi there', kind: 'reply' as const };
    const sent = recordReport(state, { userText: 'hello', messageIds: ['m1'], report: { outcome: 'sent', reply } });
    expect(findOutcome(sent, 'm1')).toEqual({ status: 'replied', ...reply });
    expect(sent.history).toEqual([{ role: 'user', text: 'hello' }, { role: 'assistant', text: 'hi there' }]);
    expect(sent.language).toBeNull();
    // The language the pipeline heard becomes the conversation's; a message too short to tell keeps it.
    const understanding = { sentiment: { label: 'neutral' as const, score: 0 }, intent: { name: 'other', confidence: 0 }, decidedBy: 'local' as const };
    const spanish = recordReport(state, { userText: 'hola', messageIds: ['m2'], report: { outcome: 'sent', reply, understanding: { ...understanding, language: 'es' } } });
    expect(spanish.language).toBe('es');
    const unclear = recordReport(spanish, { userText: 'ok', messageIds: ['m3'], report: { outcome: 'sent', reply, understanding: { ...understanding, language: 'und' } } });
    expect(unclear.language).toBe('es');
    expect(sent.repliesOut).toBe(1);

    const suppressed = recordReport(state, { userText: 'hello', messageIds: ['m1'], report: { outcome: 'suppressed', reply } });
    expect(findOutcome(suppressed, 'm1')).toEqual({ status: 'not-answered', reason: 'handoff' });
    expect(suppressed.history).toEqual([{ role: 'user', text: 'hello' }]);

    const failed = recordReport(state, { userText: 'hello', messageIds: ['m1'], report: { outcome: 'failed', reply } });
    expect(findOutcome(failed, 'm1')).toEqual({ status: 'not-answered', reason: 'delivery-failed' });

    const unanswered = recordUnanswered(state, { userText: 'hello', messageIds: ['m1', 'm2'], reason: 'disabled' });
    expect(findOutcome(unanswered, 'm2')).toEqual({ status: 'not-answered', reason: 'disabled' });
    expect(unanswered.repliesOut).toBe(0);
  });
});

describe('nextBatch', () => {
  const from = (userId: string, messageId: string): InboundMessage => ({ ...message(messageId), userId });
  const ids = (batch: InboundMessage[]) => batch.map((m) => m.messageId);

  it("takes only the first person's run of messages, so two people never share a turn", () => {
    const queue = [from('alice', 'a1'), from('alice', 'a2'), from('bob', 'b1'), from('alice', 'a3')];
    expect(ids(nextBatch(queue, Infinity, true))).toEqual(['a1', 'a2']);
    expect(ids(nextBatch(queue.slice(2), Infinity, true))).toEqual(['b1']);
    expect(ids(nextBatch(queue.slice(3), Infinity, true))).toEqual(['a3']);
  });

  it('keeps the old merge of everyone for runs recorded before, and respects the maximum', () => {
    const queue = [from('alice', 'a1'), from('bob', 'b1'), from('alice', 'a2')];
    expect(ids(nextBatch(queue, Infinity, false))).toEqual(['a1', 'b1', 'a2']);
    expect(ids(nextBatch(queue, 1, false))).toEqual(['a1']);
    expect(ids(nextBatch([from('alice', 'a1'), from('alice', 'a2')], 1, true))).toEqual(['a1']);
    expect(nextBatch([], Infinity, true)).toEqual([]);
  });
});
