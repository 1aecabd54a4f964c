import { postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** API keys limited to some bots: they see and act on those, and nothing of any other. */
describe('API keys scoped to bots', () => {
  let stack: TestStack;
  const other = 'other-bot';

  beforeAll(async () => {
    stack = await startTestStack();
    expect((await requestJson(stack.baseUrl, '/v1/bots', { body: { id: other, name: 'Other', systemPrompt: 'Be brief.', model: 'gpt-4o-mini' } })).status).toBe(201);
  });
  afterAll(() => stack?.close());

  const keyFor = async (role: string, bots?: string[]) => {
    const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: `${role} of ${bots?.join('+') ?? 'all'}`, role, ...(bots && { bots }) } });
    expect(created.status).toBe(201);
    expect(created.body.data.bots).toEqual(bots ?? null);
    return { authorization: `Bearer ${created.body.data.key}` };
  };
  const conversationOf = (botId: string, chatId: string) =>
    waitFor(`the conversation of ${botId}`, () => stack.db.selectFrom('conversations').select('id').where('bot_id', '=', botId).where('chat_id', '=', chatId).executeTakeFirst());

  it("sees its bots only: another bot, its conversations, messages and figures are 404, as if they did not exist", async () => {
    await postApiMessage(stack, 'mine', 'm1', 'hello');
    expect((await requestJson(stack.baseUrl, `/v1/bots/${other}/messages`, { body: { chatId: 'theirs', userId: 'u', messageId: 'm1', text: 'hello' } })).status).toBe(202);
    const [mine, theirs] = await Promise.all([conversationOf(stack.botId, 'mine'), conversationOf(other, 'theirs')]);

    const headers = await keyFor('viewer', [stack.botId]);
    const get = (path: string) => requestJson(stack.baseUrl, path, { headers });
    expect((await get('/v1/bots')).body.data.map((b: { id: string }) => b.id)).toEqual([stack.botId]);
    expect((await get(`/v1/bots/${stack.botId}`)).status).toBe(200);
    const conversations = (await get('/v1/conversations')).body.data.map((c: { botId: string }) => c.botId);
    expect(new Set(conversations)).toEqual(new Set([stack.botId]));
    expect((await get(`/v1/conversations/${mine.id}/messages`)).status).toBe(200);

    for (const path of [`/v1/bots/${other}`, `/v1/conversations/${theirs.id}`, `/v1/conversations/${theirs.id}/messages`, `/v1/analytics/summary?botId=${other}&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z`]) {
      const answer = await get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    }
    expect((await get(`/v1/bots/no-such-bot`)).body.error.message).toBe((await get(`/v1/bots/${other}`)).body.error.message.replace(other, 'no-such-bot'));
  });

  it('acts on its bots only, and cannot make keys', async () => {
    const headers = await keyFor('admin', [stack.botId]);
    expect((await requestJson(stack.baseUrl, `/v1/bots/${other}`, { method: 'PATCH', body: { name: 'Taken' }, headers })).status).toBe(404);
    expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { debounceMs: 0 }, headers })).status).toBe(200);
    const keys = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'escalate', role: 'admin' }, headers });
    expect(keys.status).toBe(403);
    expect(keys.body.error.message).toMatch(/limited to bots/);
    expect((await requestJson(stack.baseUrl, `/v1/bots/${other}`)).body.data.name).toBe('Other');
  });

  it('refuses a scope that is not a list of bot ids, and a key for every bot sees both', async () => {
    expect((await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'bad', role: 'viewer', bots: [] } })).status).toBe(400);
    expect((await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'bad', role: 'viewer', bots: ['Not A Bot!'] } })).status).toBe(400);
    const headers = await keyFor('viewer');
    const ids = (await requestJson(stack.baseUrl, '/v1/bots', { headers })).body.data.map((b: { id: string }) => b.id);
    expect(ids).toEqual(expect.arrayContaining([stack.botId, other]));
  });
});
