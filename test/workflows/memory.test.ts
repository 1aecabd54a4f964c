import { countTokens } from 'gpt-tokenizer';
import { TEAM_MESSAGE_PREFIX } from '../../src/conversations/history-entry';
import { requestJson } from '../support/http';
import { postApiMessage } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';

const BUDGET = 600;
const FACT = 'My name is Zelda Quist and my order number is 4711.';

/** The chat-completion calls that wrote a reply (the summarising calls have their own instructions). */
function replyCalls(stack: TestStack) {
  return stack.fakeOpenAI
    .chatCalls()
    .map((call) => call.body.messages as Array<{ role: string; content: string }>)
    .filter((messages) => !messages[0]!.content.startsWith('You keep the running summary'));
}

describe('memory within a token budget', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ bot: { contextTokenBudget: BUDGET, moderationPolicy: 'off', debounceMs: 0 } });
  });
  afterAll(() => stack?.close());

  it('keeps a fact from the first turn through 60 turns, inside the budget, and shows the summary', async () => {
    expect((await postApiMessage(stack, 'memory', 't0', FACT, true)).body.reply.status).toBe('replied');
    for (let i = 1; i < 60; i++) {
      const res = await postApiMessage(stack, 'memory', `t${i}`, `Message ${i}: tell me something about the number ${i * 7}, please.`, true);
      expect(res.body.reply.status).toBe('replied');
    }

    const last = replyCalls(stack).at(-1)!;
    const tokens = last.reduce((n, m) => n + countTokens(m.content) + 4, 0);
    expect(tokens).toBeLessThanOrEqual(BUDGET);
    // The first turn left the recent history long ago; the summary still carries it.
    expect(last.some((m) => m.content === FACT)).toBe(false);
    expect(last[0]!.content).toContain('Zelda Quist');
    expect(last[0]!.content).toContain('4711');

    const conversation = await stack.db.selectFrom('conversations').select(['id', 'first_run_id', 'workflow_id']).where('chat_id', '=', 'memory').executeTakeFirstOrThrow();
    // The summary crossed continue-as-new: the run that answered last is not the first.
    expect((await stack.temporal.workflow.getHandle(conversation.workflow_id).describe()).runId).not.toBe(conversation.first_run_id);
    const shown = await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}`);
    expect(shown.body.data.summary).toContain('Zelda Quist');
  });

  it("keeps an operator's message in the prompt after the release", async () => {
    await postApiMessage(stack, 'team', 'm1', 'I want a refund for order 123', true);
    const conversation = await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'team').executeTakeFirstOrThrow();
    const act = (action: string, body: unknown = {}) => requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/${action}`, { body });
    expect((await act('handoff')).status).toBe(200);
    expect((await act('messages', { text: 'I refunded order 123 today.', messageId: 'op-1' })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await act('release')).status).toBe(200);
    await postApiMessage(stack, 'team', 'm2', 'did it work?', true);
    expect(replyCalls(stack).at(-1)!).toContainEqual({ role: 'assistant', content: `${TEAM_MESSAGE_PREFIX} I refunded order 123 today.` });
  });
});
