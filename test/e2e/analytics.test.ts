import { postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('analytics summary', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('counts conversations, messages by platform, reply times, handoffs, flags and tokens', async () => {
    await postApiMessage(stack, 'a', 'm1', 'hello', true);
    await postApiMessage(stack, 'a', 'm2', 'again', true);
    await postApiMessage(stack, 'b', 'm1', 'about the forbidden-topic', true);
    // A reply that moderation refuses is a flag too, though the person's message was fine.
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: 'more on the forbidden-topic' });
    await postApiMessage(stack, 'a', 'm3', 'tell me more', true);
    const b = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'b').executeTakeFirstOrThrow();
    expect((await requestJson(stack.baseUrl, `/v1/conversations/${b.id}/handoff`, { body: {} })).status).toBe(200);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const res = await requestJson(stack.baseUrl, `/v1/analytics/summary?botId=${stack.botId}&from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    const summary = res.body.data;
    expect(summary.conversations).toEqual({ started: 2, ended: 0, handoffs: 1 });
    expect(summary.messages).toEqual([{ platform: 'api', in: 4, out: 4 }]);
    expect(summary.moderationFlags).toBe(2);
    const tokens = stack.fakeOpenAI.chatCalls().length;
    expect(tokens).toBe(3);
    expect(summary.modelTokens).toBeGreaterThan(0);
    expect(summary.timeToReplyMs.median).toBeGreaterThanOrEqual(0);
    expect(summary.timeToReplyMs.p95).toBeGreaterThanOrEqual(summary.timeToReplyMs.median);

    const before = await requestJson(
      stack.baseUrl,
      `/v1/analytics/summary?botId=${stack.botId}&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`,
    );
    expect(before.body.data).toMatchObject({ conversations: { started: 0, ended: 0, handoffs: 0 }, messages: [], modelTokens: 0 });
    expect(before.body.data.timeToReplyMs).toEqual({ median: null, p95: null });

    // Plain dates: from the first instant of `from` to the first instant of `to` (UTC).
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const byDate = await requestJson(stack.baseUrl, `/v1/analytics/summary?botId=${stack.botId}&from=${today}&to=${tomorrow}`);
    expect(byDate.status).toBe(200);
    expect(byDate.body.data).toMatchObject({ from: `${today}T00:00:00.000Z`, to: `${tomorrow}T00:00:00.000Z`, conversations: { started: 2 } });
  });

  it('rejects a bad range', async () => {
    const res = await requestJson(stack.baseUrl, `/v1/analytics/summary?botId=${stack.botId}&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
    expect(res.status).toBe(400);
    const words = await requestJson(stack.baseUrl, '/v1/analytics/summary?botId=x&from=yesterday&to=now');
    expect(words.status).toBe(400);
    expect(words.body.error.message).toContain('must be a date (2026-12-01) or a timestamp');
  });
});
