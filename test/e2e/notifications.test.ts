import { createHmac } from 'node:crypto';
import { startFakePlatformApi, type FakePlatformApi } from '../fakes/fake-platform-api';
import { postApiMessage } from '../support/conversation-probes';
import { CONVERSATION_WORKFLOW_TYPE } from '../../workflows/definitions';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('webhook notifications', () => {
  let stack: TestStack;
  let receiver: FakePlatformApi;
  beforeAll(async () => {
    receiver = await startFakePlatformApi(() => ({ status: 204 }));
    stack = await startTestStack({ bot: { idleTimeoutMs: 3_000 } });
  });
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  /** The events the receiver accepted, once each, in the order it first accepted them. */
  function delivered() {
    const seen = new Map<string, { type: string; body: any; rawBody: string; signature: string }>();
    for (const r of receiver.requests) {
      if (r.status !== 204 || seen.has(r.headers['x-webhook-id']!)) continue;
      seen.set(r.headers['x-webhook-id']!, { type: r.headers['x-webhook-event']!, body: r.body, rawBody: r.rawBody, signature: r.headers['x-webhook-signature']! });
    }
    return [...seen.values()];
  }

  /** The workflows of one type on this stack's task queue (deliveries run on their parent's). */
  async function workflowsOfType(type: string): Promise<string[]> {
    const ids: string[] = [];
    const query = `TaskQueue = "${stack.config.temporal.taskQueue}" AND WorkflowType = "${type}"`;
    for await (const execution of stack.temporal.workflow.list({ query })) ids.push(execution.workflowId);
    return ids;
  }

  it('starts no delivery while nobody subscribes', async () => {
    await postApiMessage(stack, 'unheard', 'm1', 'hello', true);
    await postApiMessage(stack, 'unheard', 'm2', 'can I talk to a human?', true);
    await waitFor('the idle end', async () => {
      const row = await stack.db.selectFrom('conversations').select('status').where('chat_id', '=', 'unheard').executeTakeFirst();
      return row?.status === 'ended';
    }, { timeoutMs: 30_000 });
    // Visibility has caught up with the conversation itself, so an absent delivery is really absent.
    await waitFor('the conversation listed', async () => (await workflowsOfType(CONVERSATION_WORKFLOW_TYPE)).length > 0);
    expect(await workflowsOfType('notificationWorkflow')).toEqual([]);
  });

  it('posts signed events, retries a failing receiver, and never delivers one twice', async () => {
    const created = await requestJson(stack.baseUrl, '/v1/webhook-subscriptions', {
      body: { url: `${receiver.baseUrl}/hooks`, events: ['conversation.started', 'conversation.ended', 'handoff.requested', 'message.flagged'], botId: stack.botId },
    });
    expect(created.status).toBe(201);
    const secret: string = created.body.data.secret;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await requestJson(stack.baseUrl, '/v1/webhook-subscriptions')).body)).not.toContain(secret);

    // The receiver is down for the first two attempts.
    receiver.enqueue({ status: 500 }, { status: 503 });
    await postApiMessage(stack, 'notified', 'm1', 'hello', true);
    await postApiMessage(stack, 'notified', 'm2', 'can I talk to a human?', true);
    const conversation = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'notified').executeTakeFirstOrThrow();
    await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/release`, { body: {} });
    await postApiMessage(stack, 'notified', 'm3', 'the forbidden-topic', true);

    await waitFor('every event delivered', () => delivered().length === 4, { timeoutMs: 30_000 });
    const events = delivered();
    expect(events.map((e) => e.type).sort()).toEqual(['conversation.ended', 'conversation.started', 'handoff.requested', 'message.flagged']);
    expect(receiver.requests.filter((r) => r.status !== 204)).toHaveLength(2);
    expect(receiver.requests.filter((r) => r.status === 204)).toHaveLength(4);

    for (const event of events) {
      expect(event.body).toMatchObject({ type: event.type, botId: stack.botId, conversationId: conversation.id, platform: 'api', chatId: 'notified' });
      const [, t, v1] = event.signature.match(/^t=(\d+),v1=([0-9a-f]{64})$/)!;
      expect(createHmac('sha256', secret).update(`${t}.${event.rawBody}`).digest('hex')).toBe(v1);
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(120);
    }
    expect(events.find((e) => e.type === 'handoff.requested')!.body.data).toEqual({ by: 'bot' });
    expect(events.find((e) => e.type === 'conversation.ended')!.body.data).toEqual({ reason: 'idle' });
    // One delivery workflow per event that someone wanted: none for the unsubscribed 'delivery.failed'.
    await waitFor('visibility to list the deliveries', async () => (await workflowsOfType('notificationWorkflow')).length === 4, { timeoutMs: 15_000 });
  });

  it('rejects bad subscriptions and needs the admin role', async () => {
    expect((await requestJson(stack.baseUrl, '/v1/webhook-subscriptions', { body: { url: 'ftp://x', events: ['conversation.started'] } })).status).toBe(400);
    expect((await requestJson(stack.baseUrl, '/v1/webhook-subscriptions', { body: { url: 'https://x.example', events: ['nope'] } })).status).toBe(400);
    expect((await requestJson(stack.baseUrl, '/v1/webhook-subscriptions', { admin: false })).status).toBe(401);
  });
});
