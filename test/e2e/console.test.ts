import { postApiMessage, waitForReplies } from '../support/conversation-probes';
import { signInToConsole } from '../support/console-client';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** The console's promises over HTTP: who may see and do what, sessions, CSRF, escaping, assignment, search. */
describe('the operator console', () => {
  let stack: TestStack;
  const other = 'other-console-bot';
  let mine: string;
  let theirs: string;

  const keyFor = async (name: string, role: string, bots?: string[]) =>
    (await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name, role, ...(bots && { bots }) } })).body.data.key as string;
  const conversationOf = (botId: string, chatId: string) =>
    waitFor(`the conversation of ${chatId}`, () => stack.db.selectFrom('conversations').selectAll().where('bot_id', '=', botId).where('chat_id', '=', chatId).executeTakeFirst());

  beforeAll(async () => {
    stack = await startTestStack();
    await requestJson(stack.baseUrl, '/v1/bots', { body: { id: other, name: 'Other', systemPrompt: 'Be brief.', model: 'gpt-4o-mini' } });
    await postApiMessage(stack, 'alice', 'a1', 'My parcel <script>alert(1)</script> is late');
    await requestJson(stack.baseUrl, `/v1/bots/${other}/messages`, { body: { chatId: 'bob', userId: 'bob', messageId: 'b1', text: 'Where is my refund?' } });
    await waitForReplies(stack, 'alice', 1);
    mine = (await conversationOf(stack.botId, 'alice')).id;
    theirs = (await conversationOf(other, 'bob')).id;
    await waitFor("bob's message stored", () => stack.db.selectFrom('messages').select('id').where('conversation_id', '=', theirs).executeTakeFirst());
  });
  afterAll(() => stack?.close());

  it('sends a visitor without a session to the sign-in, and refuses a change without one', async () => {
    const page = await fetch(`${stack.baseUrl}/console/inbox?status=active`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Finbox%3Fstatus%3Dactive');
    const change = await fetch(`${stack.baseUrl}/console/conversations/${mine}/take`, { method: 'POST', redirect: 'manual' });
    expect(change.status).toBe(401);
  });

  it('serves pages under a CSP with no inline script, and shows what people wrote as text', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    const page = await admin.get(`/console/conversations/${mine}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.html).not.toMatch(/\son[a-z]+=/i);
    expect(page.html).toContain('My parcel &lt;script&gt;alert(1)&lt;/script&gt; is late');
    expect(page.html).not.toContain('<script>alert(1)</script>');
  });

  it('refuses a change without the CSRF token, or from another site, and changes nothing', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    expect((await admin.post(`/console/conversations/${mine}/take`, {}, { csrf: null })).status).toBe(403);
    expect((await admin.post(`/console/conversations/${mine}/take`, {}, { csrf: 'forged' })).status).toBe(403);
    expect((await admin.post(`/console/conversations/${mine}/take`, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await stack.db.selectFrom('conversations').select('assigned_to').where('id', '=', mine).executeTakeFirstOrThrow()).assigned_to).toBeNull();
  });

  it('lets a viewer read but not act', async () => {
    const viewer = await signInToConsole(stack.baseUrl, await keyFor('Vera', 'viewer'));
    const page = await viewer.get(`/console/conversations/${mine}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('you can read, not act');
    expect(page.html).not.toContain('/take-over');
    for (const action of ['take', 'take-over', 'end', 'notes']) {
      expect({ action, status: (await viewer.post(`/console/conversations/${mine}/${action}`, { text: 'x' })).status }).toEqual({ action, status: 403 });
    }
    expect((await stack.db.selectFrom('conversations').select(['status', 'assigned_to']).where('id', '=', mine).executeTakeFirstOrThrow())).toEqual({ status: 'active', assigned_to: null });
  });

  it("shows a key scoped to one bot nothing of another: 404 for its conversation, absent from the inbox", async () => {
    const scoped = await signInToConsole(stack.baseUrl, await keyFor('Scoped', 'operator', [stack.botId]));
    expect((await scoped.get(`/console/conversations/${theirs}`)).status).toBe(404);
    expect((await scoped.get(`/console/conversations/${theirs}/events`)).status).toBe(404);
    expect((await scoped.post(`/console/conversations/${theirs}/take`)).status).toBe(404);
    const inbox = await scoped.get('/console/inbox');
    expect(inbox.html).toContain(`c-${mine}`);
    expect(inbox.html).not.toContain(`c-${theirs}`);
    expect(inbox.html).not.toContain(other);
  });

  it('gives a conversation to one operator: the second is told who has it', async () => {
    const sam = await signInToConsole(stack.baseUrl, await keyFor('Sam', 'operator'));
    const kim = await signInToConsole(stack.baseUrl, await keyFor('Kim', 'operator'));
    const [first, second] = await Promise.all([sam.post(`/console/conversations/${theirs}/take`), kim.post(`/console/conversations/${theirs}/take`)]);
    const flashes = [first.flash, second.flash].sort();
    expect(flashes[0]).toBe('It is yours now.');
    expect(flashes[1]).toMatch(/^(Sam|Kim) has this conversation already\.$/);
    const holder = (await stack.db.selectFrom('conversations').select('assigned_name').where('id', '=', theirs).executeTakeFirstOrThrow()).assigned_name;
    expect(flashes[1]).toBe(`${holder} has this conversation already.`);
    const winner = holder === 'Sam' ? sam : kim;
    expect((await winner.get('/console/inbox?mine=1')).html).toContain(`c-${theirs}`);
    expect((await (holder === 'Sam' ? kim : sam).get('/console/inbox?mine=1')).html).not.toContain(`c-${theirs}`);
  });

  it('finds conversations by what was written, and lists the ones waiting for a human with their wait', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    const found = await admin.get('/console/inbox?q=REFUND');
    expect(found.html).toContain(`c-${theirs}`);
    expect(found.html).not.toContain(`c-${mine}`);
    expect((await admin.get('/console/inbox?q=100%25_')).html).not.toContain('class="inbox-item"');

    expect((await requestJson(stack.baseUrl, `/v1/conversations/${mine}/handoff`, { method: 'POST' })).status).toBe(200);
    const waiting = await admin.get('/console/inbox?waiting=1');
    expect(waiting.html).toContain(`c-${mine}`);
    expect(waiting.html).toMatch(/waiting \d+ s/);
    expect(waiting.html).not.toContain(`c-${theirs}`);
    // Once an operator writes, it waits no more.
    await admin.get(`/console/conversations/${mine}`);
    const reply = await admin.post(`/console/conversations/${mine}/reply`, { text: 'On it.', messageId: 'console-1' });
    expect(reply.flash).toBe('Sent.');
    await waitFor('the operator reply stored', () => stack.db.selectFrom('messages').select('id').where('conversation_id', '=', mine).where('author', '=', 'agent').executeTakeFirst());
    expect((await admin.get('/console/inbox?waiting=1')).html).not.toContain(`c-${mine}`);
    // The same message id again sends nothing more.
    await admin.post(`/console/conversations/${mine}/reply`, { text: 'On it.', messageId: 'console-1' });
    expect(await stack.db.selectFrom('messages').select('text').where('conversation_id', '=', mine).where('author', '=', 'agent').execute()).toEqual([{ text: 'On it.' }]);
  });

  it('keeps private notes off the platform', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    const before = await stack.db.selectFrom('messages').select('id').where('conversation_id', '=', mine).execute();
    expect((await admin.post(`/console/conversations/${mine}/notes`, { text: 'Customer is a VIP' })).flash).toMatch(/never|does not see/);
    expect((await admin.get(`/console/conversations/${mine}`)).html).toContain('Customer is a VIP');
    expect(await stack.db.selectFrom('messages').select('id').where('conversation_id', '=', mine).execute()).toHaveLength(before.length);
  });

  it('ends a session on sign-out and at its expiry, and with its key', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    expect((await admin.post('/console/sign-out')).location).toBe('/console/sign-in');
    expect((await admin.get('/console/inbox')).status).toBe(303);

    const late = await signInToConsole(stack.baseUrl);
    await stack.db.updateTable('console_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('ended_at', 'is', null).execute();
    expect((await late.get('/console/inbox')).location).toMatch(/^\/console\/sign-in/);

    const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'Temp', role: 'operator' } });
    const temp = await signInToConsole(stack.baseUrl, created.body.data.key);
    expect((await temp.get('/console/inbox')).status).toBe(200);
    await requestJson(stack.baseUrl, `/v1/api-keys/${created.body.data.id}`, { method: 'DELETE' });
    expect((await temp.get('/console/inbox')).status).toBe(303);
  });

  it('writes what operators do in the console to the audit log', async () => {
    const rows = await stack.db.selectFrom('audit_log').select(['actor', 'action', 'status']).where('action', 'like', 'POST /console/%').execute();
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ action: `POST /console/conversations/${mine}/notes`, status: 303 })]));
  });
});

describe('the console behind HTTPS', () => {
  it('marks the session cookie Secure', async () => {
    const stack = await startTestStack({ env: { PUBLIC_URL: 'https://console.example.com' } });
    try {
      const response = await fetch(`${stack.baseUrl}/console/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: 'test-admin-key' }),
        redirect: 'manual',
      });
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('console_session='))!;
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; SameSite=Strict/);
    } finally {
      await stack.close();
    }
  });
});
