import { postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** The console's sign-in, as a browser speaks to it: forms, a session cookie, redirects. */
describe('console sign-in', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  const form = (path: string, fields: Record<string, string>, cookie?: string, origin = stack.baseUrl) =>
    fetch(`${stack.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...(cookie && { cookie }) },
      body: new URLSearchParams(fields).toString(),
    });
  const page = (path: string, cookie?: string) => fetch(`${stack.baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  it('sends a visitor without a session to sign in, and refuses a wrong key without a session', async () => {
    const inbox = await page('/console');
    expect([inbox.status, inbox.headers.get('location')]).toEqual([303, '/console/sign-in']);
    const signIn = await page('/console/sign-in');
    expect(signIn.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await signIn.text()).toContain('<label for="key">API key</label>');
    const wrong = await form('/console/sign-in', { key: 'co_not_a_key' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('That key is unknown or revoked');
  });

  it('signs in with a key, shows the inbox with every text escaped, and signs out only with the form token', async () => {
    await postApiMessage(stack, 'console-chat', 'm1', '<script>alert(1)</script> hi');
    await waitFor('the message stored', async () => (await stack.db.selectFrom('messages').select('id').where('text', 'like', '%alert(1)%').executeTakeFirst()) !== undefined);

    const signedIn = await form('/console/sign-in', { key: TEST_ADMIN_KEY });
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/console']);
    const setCookie = signedIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^console_session=[\w-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/console/);
    const cookie = setCookie.split(';')[0]!;

    const inbox = await page('/console', cookie);
    const body = await inbox.text();
    expect(inbox.status).toBe(200);
    expect(body).toContain('console-chat');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; hi');
    expect(body).not.toContain('<script>');
    const csrf = /name="csrf" value="([^"]+)"/.exec(body)![1]!;

    expect((await form('/console/sign-out', { csrf: 'forged' }, cookie)).status).toBe(403);
    expect((await form('/console/sign-out', { csrf }, cookie, 'https://evil.example')).status).toBe(403);
    expect((await page('/console', cookie)).status).toBe(200);
    const out = await form('/console/sign-out', { csrf }, cookie);
    expect([out.status, out.headers.get('location')]).toEqual([303, '/console/sign-in']);
    expect((await page('/console', cookie)).status).toBe(303);
  });

  it("shows a key limited to one bot only that bot's conversations, and ends its session when the key is revoked", async () => {
    await requestJson(stack.baseUrl, '/v1/bots', { body: { id: 'hidden-bot', name: 'Hidden', systemPrompt: 'Be brief.', model: 'gpt-4o-mini' } });
    await requestJson(stack.baseUrl, '/v1/bots/hidden-bot/messages', { body: { chatId: 'secret-chat', userId: 'u', messageId: 'm1', text: 'not for you' } });
    await waitFor('the hidden conversation', () => stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'secret-chat').executeTakeFirst());
    const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'scoped operator', role: 'operator', bots: [stack.botId] } });
    const cookie = (await form('/console/sign-in', { key: created.body.data.key })).headers.get('set-cookie')!.split(';')[0]!;

    const body = await (await page('/console', cookie)).text();
    expect(body).toContain('console-chat');
    expect(body).not.toContain('secret-chat');
    expect(body).toContain(`bots ${stack.botId}`);

    expect((await requestJson(stack.baseUrl, `/v1/api-keys/${created.body.data.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await page('/console', cookie)).status).toBe(303);
  });
});
