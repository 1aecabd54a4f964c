import { startTestStack, type TestStack } from '../support/test-stack';
import { requestJson } from '../support/http';
import { waitFor } from '../support/wait-for';

describe('API channel', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  it('returns the reply with ?wait=true and stores both messages', async () => {
    const res = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/messages?wait=true`, {
      body: { chatId: 'chat-1', userId: 'user-1', messageId: 'm-1', text: 'hello there' },
    });
    expect(res.status).toBe(200);
    expect(res.body.reply).toEqual({ status: 'replied', text: 'echo: hello there', kind: 'reply' });

    const list = await requestJson(stack.baseUrl, `/v1/conversations?botId=${stack.botId}`);
    expect(list.body.data).toHaveLength(1);
    const messages = await requestJson(stack.baseUrl, `/v1/conversations/${list.body.data[0].id}/messages`);
    expect(messages.body.data.map((m: any) => [m.direction, m.text])).toEqual([
      ['inbound', 'hello there'],
      ['outbound', 'echo: hello there'],
    ]);
  });

  it('answers 202 without waiting, and the reply lands in the conversation', async () => {
    const res = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/messages`, {
      body: { chatId: 'chat-2', userId: 'user-2', messageId: 'm-1', text: 'no wait' },
    });
    expect(res.status).toBe(202);
    const reply = await waitFor('the reply', async () => {
      const rows = await stack.db.selectFrom('messages').selectAll().where('direction', '=', 'outbound').where('text', '=', 'echo: no wait').execute();
      return rows.length === 1 && rows[0];
    });
    expect(reply.kind).toBe('reply');
  });
});
