import { postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';

type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

describe('API keys and roles', () => {
  let stack: TestStack;
  const keys = {} as Record<Role, string>;
  let conversationId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: `${role} key`, role } });
      expect(created.status).toBe(201);
      keys[role] = created.body.data.key;
    }
    await postApiMessage(stack, 'access', 'm1', 'hello', true);
    conversationId = (await stack.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => stack?.close());

  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  /** Every /v1 route, with the least role that may use it. */
  const routes = (): Array<{ method: string; path: string; body?: unknown; role: Role }> => [
    { method: 'GET', path: '/v1/conversations', role: 'viewer' },
    { method: 'GET', path: `/v1/conversations/${conversationId}`, role: 'viewer' },
    { method: 'GET', path: `/v1/conversations/${conversationId}/messages`, role: 'viewer' },
    { method: 'POST', path: `/v1/conversations/${conversationId}/release`, body: {}, role: 'operator' },
    { method: 'POST', path: `/v1/bots/${stack.botId}/messages`, body: { chatId: 'matrix', userId: 'u', messageId: 'x', text: 'hi' }, role: 'operator' },
    { method: 'PUT', path: `/v1/bots/${stack.botId}/channels/telegram`, body: { botToken: '1:abc', secretToken: 'secret' }, role: 'admin' },
    { method: 'DELETE', path: `/v1/bots/${stack.botId}/channels/slack`, role: 'admin' },
    { method: 'GET', path: '/v1/api-keys', role: 'admin' },
    { method: 'POST', path: '/v1/api-keys', body: { name: 'another', role: 'viewer' }, role: 'admin' },
  ];

  it('answers 401 without a valid key and 403 below the needed role, on every route', async () => {
    for (const route of routes()) {
      const call = (headers: Record<string, string>) => requestJson(stack.baseUrl, route.path, { method: route.method, body: route.body, headers });
      expect([route.path, (await call({ authorization: 'none' })).status]).toEqual([route.path, 401]);
      expect([route.path, (await call(as('co_wrong'))).status]).toEqual([route.path, 401]);
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const status = (await call(as(keys[role]))).status;
        const allowed = RANK[role] >= RANK[route.role];
        expect([route.method, route.path, role, allowed ? 'allowed' : status]).toEqual([
          route.method,
          route.path,
          role,
          allowed ? (status === 401 || status === 403 ? status : 'allowed') : 403,
        ]);
      }
    }
  });

  it('shows a key once, records its use, and revokes it at once', async () => {
    const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'short-lived', role: 'viewer' } });
    const { id, key } = created.body.data;
    expect(key).toMatch(/^co_/);
    expect((await requestJson(stack.baseUrl, '/v1/conversations', { headers: as(key) })).status).toBe(200);

    const listed = await requestJson(stack.baseUrl, '/v1/api-keys');
    const entry = listed.body.data.find((k: { id: string }) => k.id === id);
    expect(entry).toMatchObject({ name: 'short-lived', role: 'viewer', revokedAt: null });
    expect(entry.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const stored = await stack.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key);

    expect((await requestJson(stack.baseUrl, `/v1/api-keys/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await requestJson(stack.baseUrl, '/v1/conversations', { headers: as(key) })).status).toBe(401);
  });

  it('writes every change to the audit log: who, what, when', async () => {
    await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/channels/telegram`, {
      method: 'PUT',
      body: { botToken: '1:abc', secretToken: 'audited' },
      headers: as(keys.admin),
    });
    const entries = await stack.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    const last = entries.at(-1)!;
    expect(last).toMatchObject({ actor: expect.stringContaining('admin key'), action: `PUT /v1/bots/${stack.botId}/channels/telegram`, status: 200 });
    expect(last.created_at).toBeInstanceOf(Date);
    expect(entries.some((e) => e.actor.includes('ADMIN_API_KEY') && e.action === 'POST /v1/api-keys')).toBe(true);
  });
});
