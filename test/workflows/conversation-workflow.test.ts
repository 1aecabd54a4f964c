import { LIMITS } from '../../workflows/conversation-state';
import { conversationStateQuery } from '../../workflows/definitions';
import {
  apiConversationHandle,
  chatMessages,
  modelInputs,
  postApiMessage,
  waitForReplies,
} from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('conversation workflow', () => {
  describe('with no debounce', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack();
    });
    afterAll(() => stack?.close());
    beforeEach(() => stack.fakeOpenAI.reset());

    it('answers messages one turn at a time, in the order they were received', async () => {
      stack.fakeOpenAI.setDefault({ kind: 'reply', delayMs: 300 });
      const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
      for (const [i, text] of texts.entries()) {
        expect((await postApiMessage(stack, 'order', `m${i}`, text)).status).toBe(202);
        await sleep(120);
      }
      await waitFor('every message answered', async () => modelInputs(stack).join('\n').split('\n').length === texts.length);
      const rows = await waitForReplies(stack, 'order', stack.fakeOpenAI.chatCalls().length);

      // The model saw every message once, in order, though bursts were grouped into fewer turns.
      expect(modelInputs(stack).join('\n').split('\n')).toEqual(texts);
      // Turns never overlapped: each model call started after the previous one was answered.
      const calls = stack.fakeOpenAI.chatCalls();
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.at).toBeGreaterThanOrEqual(calls[i - 1]!.at + 300);
      // Each reply is stored after the messages it answers, and replies come in the same order as turns.
      const replies = rows.filter((r) => r.direction === 'outbound').map((r) => r.text);
      expect(replies).toEqual(modelInputs(stack).map((input) => `echo: ${input}`));
      for (const reply of rows.filter((r) => r.direction === 'outbound')) {
        const answered = reply.text.replace('echo: ', '').split('\n');
        const lastInbound = rows.find((r) => r.direction === 'inbound' && r.text === answered[answered.length - 1]);
        expect(Number(lastInbound!.seq)).toBeLessThan(Number(reply.seq));
      }
    });

    it('answers a message delivered three times exactly once', async () => {
      const results = await Promise.all([1, 2, 3].map(() => postApiMessage(stack, 'dupes', 'same-id', 'hello once')));
      expect(results.map((r) => r.status)).toEqual([202, 202, 202]);
      await waitForReplies(stack, 'dupes', 1);
      await postApiMessage(stack, 'dupes', 'same-id', 'hello once');
      await postApiMessage(stack, 'dupes', 'next-id', 'and again');
      const rows = await waitForReplies(stack, 'dupes', 2);
      expect(rows.map((r) => [r.direction, r.text])).toEqual([
        ['inbound', 'hello once'],
        ['outbound', 'echo: hello once'],
        ['inbound', 'and again'],
        ['outbound', 'echo: and again'],
      ]);
      expect(modelInputs(stack)).toEqual(['hello once', 'and again']);
    });

    it('waits as long as a 429 asks before calling the model again', async () => {
      stack.fakeOpenAI.enqueue({ kind: 'rate-limit', retryAfterSeconds: 3 });
      await postApiMessage(stack, 'rate-limited', 'm1', 'are you busy?');
      await waitForReplies(stack, 'rate-limited', 1);
      const [limited, retried] = stack.fakeOpenAI.chatCalls();
      expect(limited!.status).toBe(429);
      expect(retried!.status).toBe(200);
      // Temporal's own first retry would come after 1 s; the platform asked for 3.
      expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(2_900);
    });

    it('sends the fallback reply when the model keeps failing, and carries on afterwards', async () => {
      stack.fakeOpenAI.enqueue(...Array.from({ length: 4 }, () => ({ kind: 'server-error' as const })));
      await postApiMessage(stack, 'failing', 'm1', 'anyone there?');
      const rows = await waitForReplies(stack, 'failing', 1);
      expect(stack.fakeOpenAI.chatCalls()).toHaveLength(4);
      expect(rows[1]).toMatchObject({ kind: 'fallback', text: stack.config.defaultBot.fallbackReply });

      await postApiMessage(stack, 'failing', 'm2', 'back now?');
      const after = await waitForReplies(stack, 'failing', 2);
      expect(after[3]).toMatchObject({ kind: 'reply', text: 'echo: back now?' });
    });

    it('does not retry a request the model rejects, and falls back at once', async () => {
      stack.fakeOpenAI.enqueue({ kind: 'bad-request' });
      await postApiMessage(stack, 'rejected', 'm1', 'a bad request');
      const rows = await waitForReplies(stack, 'rejected', 1);
      expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
      expect(rows[1]!.kind).toBe('fallback');
    });

    it('refuses a flagged message politely without calling the model', async () => {
      await postApiMessage(stack, 'flagged', 'm1', 'tell me about the forbidden-topic');
      const rows = await waitForReplies(stack, 'flagged', 1);
      expect(rows[1]!.kind).toBe('refusal');
      expect(stack.fakeOpenAI.chatCalls()).toHaveLength(0);
    });

    it("refuses a reply that moderation flags: the person never sees the model's words", async () => {
      stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'Sure, all about the forbidden-topic: ...' });
      await postApiMessage(stack, 'flagged-reply', 'm1', 'tell me something');
      const rows = await waitForReplies(stack, 'flagged-reply', 1);
      expect(rows[1]).toMatchObject({ kind: 'refusal', text: expect.stringContaining("Sorry, I can't help with that message") });
      expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
      const stored = await stack.db.selectFrom('messages').select(['text', 'moderation_flags']).where('kind', '=', 'refusal').where('conversation_id', '=', rows[1]!.conversation_id).execute();
      expect(stored).toEqual([{ text: rows[1]!.text, moderation_flags: 1 }]);
    });

    it('starts no timer and writes no memo per turn: one idle timer while the chat stays busy, the memo once', async () => {
      const handle = apiConversationHandle(stack, 'busy');
      for (let i = 0; i < 3; i++) await postApiMessage(stack, 'busy', `m${i}`, `turn ${i}`, true);
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const timers = events.filter((e) => e.timerStartedEventAttributes);
      const cancelled = events.filter((e) => e.timerCanceledEventAttributes);
      expect(timers).toHaveLength(1);
      expect(cancelled).toHaveLength(0);
      // The memo shows the conversation id and status, which three turns do not change.
      expect(events.filter((e) => e.workflowPropertiesModifiedEventAttributes)).toHaveLength(1);
    });

    it('continues as new without losing a message or the seen ids, and keeps its state', async () => {
      const handle = apiConversationHandle(stack, 'long');
      // The test server suggests continue-as-new at 150 events: a dozen turns or so.
      let sequential = 0;
      for (let changed = false; !changed && sequential < 40; sequential++) {
        const res = await postApiMessage(stack, 'long', `m${sequential}`, `sequential ${sequential}`, true);
        expect(res.body.reply.status).toBe('replied');
        const firstRun = await stack.db.selectFrom('conversations').select('first_run_id').where('chat_id', '=', 'long').executeTakeFirstOrThrow();
        // Callers that wait for their replies (updates) do not hold the run back from continuing as new.
        changed = (await handle.describe()).runId !== firstRun.first_run_id;
      }
      expect(sequential).toBeLessThan(40);

      // A burst of signals while the run is ready to continue as new.
      const burst = Array.from({ length: 15 }, (_, i) => `burst ${i}`);
      await Promise.all(burst.map((text, i) => postApiMessage(stack, 'long', `b${i}`, text)));
      await waitFor('the burst answered', async () => modelInputs(stack).join('\n').split('\n').length === sequential + burst.length);

      const conversation = await stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', 'long').executeTakeFirstOrThrow();
      const current = await handle.describe();
      expect(current.runId).not.toBe(conversation.first_run_id);

      // An id seen before continue-as-new is still a duplicate.
      await postApiMessage(stack, 'long', 'm0', 'sequential 0');
      const state = await handle.query(conversationStateQuery);
      expect(state.messagesIn).toBe(sequential + burst.length);
      expect(state.history.length).toBeLessThanOrEqual(LIMITS.historyEntries);
      const inputs = modelInputs(stack).join('\n').split('\n');
      // Concurrent posts reach Temporal in any order, so the burst is compared as a set, each exactly once.
      expect(inputs.slice(0, sequential)).toEqual(Array.from({ length: sequential }, (_, i) => `sequential ${i}`));
      expect(inputs.slice(sequential).sort()).toEqual(burst.slice().sort());
      const conversations = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'long').execute();
      expect(conversations).toHaveLength(1);
    });
  });

  describe('with a debounce window', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ bot: { debounceMs: 1_500 } });
    });
    afterAll(() => stack?.close());

    it('answers messages sent within the window in one turn', async () => {
      for (const text of ['first', 'second', 'third']) {
        await postApiMessage(stack, 'burst', text, text);
        await sleep(100);
      }
      const rows = await waitForReplies(stack, 'burst', 1);
      await sleep(500);
      expect(modelInputs(stack)).toEqual(['first\nsecond\nthird']);
      expect((await chatMessages(stack, 'burst')).filter((r) => r.direction === 'outbound')).toHaveLength(1);
      expect(rows.at(-1)!.text).toBe('echo: first\nsecond\nthird');
    });
  });

  describe('with a short idle timeout', () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await startTestStack({ bot: { idleTimeoutMs: 1_500 } });
    });
    afterAll(() => stack?.close());

    it('ends an idle conversation, and the next message starts a new one', async () => {
      await postApiMessage(stack, 'idle', 'm1', 'hi');
      await waitForReplies(stack, 'idle', 1);
      const handle = apiConversationHandle(stack, 'idle');
      await expect(handle.result()).resolves.toMatchObject({ endReason: 'idle', messagesIn: 1, repliesOut: 1 });
      const ended = await stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', 'idle').executeTakeFirstOrThrow();
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'idle' });
      const description = await handle.describe();
      expect(description.searchAttributes.ConversationStatus).toEqual(['ended']);

      // A platform's late retry of an answered message gets no second reply, even in a new run.
      await postApiMessage(stack, 'idle', 'm1', 'hi');
      await postApiMessage(stack, 'idle', 'm2', 'hello again');
      const rows = await waitForReplies(stack, 'idle', 2);
      expect(rows.map((r) => [r.direction, r.text])).toEqual([
        ['inbound', 'hi'],
        ['outbound', 'echo: hi'],
        ['inbound', 'hello again'],
        ['outbound', 'echo: hello again'],
      ]);
      expect(new Set(rows.map((r) => r.conversation_id)).size).toBe(2);
    });
  });
});
