import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';

/** Bad input gets a clear JSON error and changes nothing: no workflow, no row. */
describe('bad input', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  const apiPath = () => `/v1/bots/${stack.botId}/messages`;
  const valid = { chatId: 'bad-input', userId: 'u', messageId: 'm', text: 'hello' };

  async function expectNothingHappened() {
    const conversations = await stack.db.selectFrom('conversations').select('id').execute();
    const messages = await stack.db.selectFrom('messages').select('id').execute();
    expect({ conversations, messages }).toEqual({ conversations: [], messages: [] });
    const started = await stack.temporal.workflow
      .list({ query: `BotId = "${stack.botId}"` })
      [Symbol.asyncIterator]()
      .next();
    expect(started.done).toBe(true);
  }

  it.each<[string, { body: unknown; status: number; code: string; headers?: Record<string, string> }]>([
    ['truncated JSON', { body: '{"chatId": "x", "te', status: 400, code: 'invalid_json' }],
    ['a body that is not JSON', { body: 'hello', status: 400, code: 'invalid_json' }],
    ['a missing field', { body: { chatId: 'x', userId: 'u', text: 'hi' }, status: 400, code: 'validation_failed' }],
    ['empty text', { body: { ...valid, text: '   ' }, status: 400, code: 'validation_failed' }],
    ['the wrong content type', { body: JSON.stringify(valid), headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type' }],
    ['an oversized body', { body: { ...valid, text: 'x'.repeat(200_000) }, status: 413, code: 'payload_too_large' }],
    ['no API key', { body: valid, headers: { authorization: 'none' }, status: 401, code: 'unauthorized' }],
    ['a wrong API key', { body: valid, headers: { 'x-api-key': 'wrong', authorization: 'Bearer wrong' }, status: 401, code: 'unauthorized' }],
  ])('rejects %s on the API channel', async (_, { body, headers, status, code }) => {
    const res = await requestJson(stack.baseUrl, apiPath(), { body, headers });
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(expect.objectContaining({ code, message: expect.any(String) }));
    await expectNothingHappened();
  });

  it('answers 404 for an unknown bot on every channel', async () => {
    const api = await requestJson(stack.baseUrl, '/v1/bots/no-such-bot/messages', { body: valid });
    const session = await requestJson(stack.baseUrl, '/webchat/no-such-bot/sessions', { body: {}, admin: false });
    expect([api.status, session.status]).toEqual([404, 404]);
    expect(api.body.error.code).toBe('bot_not_found');
    await expectNothingHappened();
  });

  it('rejects a web chat message with a bad client message id or too much text', async () => {
    const { body: session } = await requestJson(stack.baseUrl, `/webchat/${stack.botId}/sessions`, { body: {}, admin: false });
    for (const body of [
      { text: 'hi', clientMessageId: 'has spaces' },
      { text: 'x'.repeat(4001), clientMessageId: 'ok' },
    ]) {
      const res = await requestJson(stack.baseUrl, `/webchat/${stack.botId}/messages`, {
        body,
        headers: { authorization: `Bearer ${session.token}` },
        admin: false,
      });
      expect(res.status).toBe(400);
    }
    await expectNothingHappened();
  });

  it('answers unknown routes and bad conversation ids with JSON errors', async () => {
    expect((await requestJson(stack.baseUrl, '/nope')).body.error.code).toBe('not_found');
    const res = await requestJson(stack.baseUrl, '/v1/conversations/not-a-uuid');
    expect(res.status).toBe(404);
    const cursor = await requestJson(stack.baseUrl, '/v1/conversations?cursor=garbage');
    expect(cursor.status).toBe(400);
  });
});
