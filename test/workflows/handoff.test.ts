import { TEAM_MESSAGE_PREFIX } from '../../src/conversations/history-entry';
import { NOTICE_TEXTS } from '../../src/conversations/notices';
import { chatMessages, modelInputs, postApiMessage, waitForReplies } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('human handoff', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ bot: { handoffTimeoutMs: 30_000 } });
  });
  afterAll(() => stack?.close());
  beforeEach(() => stack.fakeOpenAI.reset());

  async function conversationOf(chatId: string) {
    return waitFor(`the conversation of ${chatId}`, () =>
      stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', chatId).executeTakeFirst(),
    );
  }
  const act = (id: string, action: string, body?: unknown) =>
    requestJson(stack.baseUrl, `/v1/conversations/${id}/${action}`, { method: 'POST', body: body ?? {} });

  it('sends nothing from the bot once a human takes over, not even the reply it was writing', async () => {
    stack.fakeOpenAI.enqueue({ kind: 'reply', delayMs: 2_000 });
    await postApiMessage(stack, 'race', 'm1', 'a question the model is slow on');
    await waitFor('the model to be asked', () => stack.fakeOpenAI.chatCalls().length === 1);
    const conversation = await conversationOf('race');

    const taken = await act(conversation.id, 'handoff');
    expect(taken.status).toBe(200);
    expect(taken.body.data.status).toBe('handoff');
    await waitFor('the slow reply to come back', () => stack.fakeOpenAI.chatCalls()[0]!.status === 200, { timeoutMs: 10_000 });
    await sleep(500);

    await postApiMessage(stack, 'race', 'm2', 'are you a person?');
    await waitFor('the second message stored', async () => (await chatMessages(stack, 'race')).length === 2);
    const operator = await act(conversation.id, 'messages', { text: 'Hi, I am Sam from support.', messageId: 'op-1' });
    expect(operator.status).toBe(202);
    await waitForReplies(stack, 'race', 1);
    await sleep(500);

    const rows = await stack.db
      .selectFrom('messages')
      .select(['direction', 'author', 'text'])
      .where('conversation_id', '=', conversation.id)
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      { direction: 'inbound', author: 'user', text: 'a question the model is slow on' },
      { direction: 'inbound', author: 'user', text: 'are you a person?' },
      { direction: 'outbound', author: 'agent', text: 'Hi, I am Sam from support.' },
    ]);
    // Inbound messages during the handoff never reach the model.
    expect(modelInputs(stack)).toEqual(['a question the model is slow on']);
    const stored = await stack.db.selectFrom('conversations').select('status').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(stored.status).toBe('handoff');

    // Released, the bot answers again, and knows what the team said meanwhile.
    expect((await act(conversation.id, 'release')).body.data.status).toBe('active');
    await postApiMessage(stack, 'race', 'm3', 'back to the bot');
    const after = await waitForReplies(stack, 'race', 2);
    expect(after.at(-1)).toMatchObject({ direction: 'outbound', text: 'echo: back to the bot' });
    const prompt = stack.fakeOpenAI.chatCalls().at(-1)!.body.messages as Array<{ role: string; content: string }>;
    expect(prompt).toContainEqual({ role: 'assistant', content: `${TEAM_MESSAGE_PREFIX} Hi, I am Sam from support.` });
    // The person's message during the handoff is there too, in order before the team's answer.
    const contents = prompt.map((m) => m.content);
    expect(contents.indexOf('are you a person?')).toBeLessThan(contents.indexOf(`${TEAM_MESSAGE_PREFIX} Hi, I am Sam from support.`));
  });

  it('gives the conversation back to the bot, with a notice, when no operator answers in time', async () => {
    await stack.db.updateTable('bots').set({ handoff_timeout_ms: 2_000 }).where('id', '=', stack.botId).execute();
    try {
      await postApiMessage(stack, 'timeout', 'm1', 'hello', true);
      const conversation = await conversationOf('timeout');
      const handedOffAt = Date.now();
      await act(conversation.id, 'handoff');
      const rows = await waitForReplies(stack, 'timeout', 2, 15_000);
      expect(Date.now() - handedOffAt).toBeGreaterThanOrEqual(1_900);
      expect(rows.at(-1)).toMatchObject({ direction: 'outbound', kind: 'notice', text: NOTICE_TEXTS.autoReleased.en });
      const stored = await stack.db.selectFrom('conversations').select('status').where('id', '=', conversation.id).executeTakeFirstOrThrow();
      expect(stored.status).toBe('active');
    } finally {
      await stack.db.updateTable('bots').set({ handoff_timeout_ms: 30_000 }).where('id', '=', stack.botId).execute();
    }
  });

  it('hands over when the user asks for a human, without asking the model', async () => {
    const res = await postApiMessage(stack, 'wants-human', 'm1', 'Can I talk to a human please?', true);
    expect(res.body.reply).toEqual({ status: 'replied', text: NOTICE_TEXTS.handoffRequested.en, kind: 'notice' });
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(0);
    const conversation = await conversationOf('wants-human');
    expect(conversation.status).toBe('handoff');
  });

  it('refuses operator messages before a takeover, and any action on an ended conversation', async () => {
    await postApiMessage(stack, 'refusals', 'm1', 'hi', true);
    const conversation = await conversationOf('refusals');
    const early = await act(conversation.id, 'messages', { text: 'too early' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/handoff/);
    expect((await act(conversation.id, 'messages', { text: '' })).status).toBe(400);

    expect((await act(conversation.id, 'end')).status).toBe(202);
    await waitFor('the conversation to end', async () => (await conversationOf('refusals')).status === 'ended');
    expect((await act(conversation.id, 'handoff')).status).toBe(409);
  });
});
