import { conversationWorkflowId } from '../../src/conversations/conversation-key';
import type { InboundMessage } from '../../src/conversations/inbound-message';
import { CONVERSATION_WORKFLOW_TYPE, FIRST_SHAPE_WORKFLOW_TYPE, inboundMessageSignal } from '../../workflows/definitions';
import { chatMessages, modelInputs, postApiMessage } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/**
 * Conversations that were running when the turn's pipeline shipped are of the first shape's type.
 * They keep their code, take messages sent the new way, and become the current shape at their next
 * continue-as-new, with their state.
 */
describe('a conversation of the first shape', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('is answered on its own code, then continues as new into the current shape, seen ids and all', async () => {
    const key = { botId: stack.botId, platform: 'api' as const, chatId: 'first-shape' };
    const workflowId = conversationWorkflowId(key);
    const first: InboundMessage = {
      botId: key.botId,
      platform: 'api',
      chatId: key.chatId,
      userId: 'u',
      // As the API channel names it: the chat, then the caller's id.
      messageId: `${key.chatId}:old-0`,
      text: 'started before the upgrade',
      attachments: [],
      receivedAt: new Date().toISOString(),
    };
    // Started as the release before this one started conversations.
    await stack.temporal.workflow.signalWithStart(FIRST_SHAPE_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: stack.config.temporal.taskQueue,
      args: [{ key }],
      signal: inboundMessageSignal,
      signalArgs: [first],
    });
    const handle = stack.temporal.workflow.getHandle(workflowId);
    const firstRun = await handle.describe();
    expect(firstRun.type).toBe(FIRST_SHAPE_WORKFLOW_TYPE);

    // The test server suggests continue-as-new at 150 events: the first shape gets there in a few turns.
    let sent = 0;
    while ((await handle.describe()).type === FIRST_SHAPE_WORKFLOW_TYPE && sent < 20) {
      const res = await postApiMessage(stack, key.chatId, `m${sent}`, `turn ${sent}`, true);
      expect(res.body.reply.status).toBe('replied');
      sent++;
    }
    const current = await handle.describe();
    expect(current.type).toBe(CONVERSATION_WORKFLOW_TYPE);
    expect(current.runId).not.toBe(firstRun.runId);

    // The new shape answers, keeps the conversation, and still knows the ids seen before.
    // A late copy of the first message gets the answer it had, and no second one.
    const calls = stack.fakeOpenAI.chatCalls().length;
    expect((await postApiMessage(stack, key.chatId, 'old-0', 'started before the upgrade', true)).body.reply).toMatchObject({
      status: 'replied',
      text: expect.stringContaining('echo: started before the upgrade'),
    });
    expect(modelInputs(stack).slice(calls)).toEqual([]);
    expect((await postApiMessage(stack, key.chatId, 'after', 'after the cut-over', true)).body.reply).toMatchObject({
      status: 'replied',
      text: 'echo: after the cut-over',
    });
    const rows = await waitFor('every reply stored', async () => {
      const found = await chatMessages(stack, key.chatId);
      return found.some((r) => r.text === 'echo: after the cut-over') && found;
    });
    // One reply per turn: the first message may have shared its turn with the next.
    expect(rows.filter((r) => r.direction === 'outbound')).toHaveLength(stack.fakeOpenAI.chatCalls().length);
    expect(new Set(rows.map((r) => r.conversation_id)).size).toBe(1);
    expect(rows.filter((r) => r.direction === 'inbound').map((r) => r.text)).toEqual([
      'started before the upgrade',
      ...Array.from({ length: sent }, (_, i) => `turn ${i}`),
      'after the cut-over',
    ]);
  });
});
