import { postApiMessage, waitForReplies } from '../support/conversation-probes';
import { signInToConsole } from '../support/console-client';
import { requestJson } from '../support/http';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';
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

  it("titles a conversation with the person's name where the platform gave one, escaped", async () => {
    const admin = await signInToConsole(stack.baseUrl);
    await stack.db.updateTable('conversations').set({ person_name: 'Maria <b>Lopez</b>' }).where('id', '=', mine).execute();
    await stack.db.updateTable('messages').set({ user_name: 'Maria <b>Lopez</b>' }).where('conversation_id', '=', mine).where('author', '=', 'user').execute();
    try {
      const inbox = await admin.get('/console/inbox');
      expect(inbox.html).toMatch(new RegExp(`id="c-${mine}"[\\s\\S]*?<span class="inbox-title">Maria &lt;b&gt;Lopez&lt;/b&gt;`));
      const page = await admin.get(`/console/conversations/${mine}`);
      expect(page.html).toContain('<strong>Maria &lt;b&gt;Lopez&lt;/b&gt;</strong> <span class="muted">person</span>');
      expect(page.html).not.toContain('<b>Lopez</b>');
    } finally {
      await stack.db.updateTable('conversations').set({ person_name: null }).where('id', '=', mine).execute();
      await stack.db.updateTable('messages').set({ user_name: null }).where('conversation_id', '=', mine).execute();
    }
  });

  it('marks an edited message, shows its reactions, and its text before the edit to operators only', async () => {
    const first = await stack.db.selectFrom('messages').select('id').where('conversation_id', '=', mine).where('author', '=', 'user').orderBy('seq').executeTakeFirstOrThrow();
    await stack.db
      .updateTable('messages')
      .set({
        edited_at: new Date(),
        previous_texts: JSON.stringify([{ text: 'My parcel is <i>lost</i>', replacedAt: new Date().toISOString() }]),
        reactions: JSON.stringify([{ userId: 'a', emoji: '👍' }, { userId: 'b', emoji: '👍' }, { userId: 'c', emoji: '🎉' }]),
      })
      .where('id', '=', first.id)
      .execute();
    try {
      const operator = await signInToConsole(stack.baseUrl, await keyFor('Opal', 'operator'));
      const page = (await operator.get(`/console/conversations/${mine}`)).html;
      expect(page).toContain('<span class="badge">edited</span>');
      expect(page).toContain('<summary>Before the edit</summary><ol><li>My parcel is &lt;i&gt;lost&lt;/i&gt;</li></ol>');
      expect(page).toContain('<p class="reactions" aria-label="Reactions"><span class="badge">👍 2</span><span class="badge">🎉</span></p>');
      const viewer = await signInToConsole(stack.baseUrl, await keyFor('Val', 'viewer'));
      const seen = (await viewer.get(`/console/conversations/${mine}`)).html;
      expect(seen).toContain('<span class="badge">edited</span>');
      expect(seen).not.toContain('lost');
    } finally {
      await stack.db.updateTable('messages').set({ edited_at: null, previous_texts: JSON.stringify([]), reactions: JSON.stringify([]) }).where('id', '=', first.id).execute();
    }
  });

  it('refuses a change without the CSRF token, or from another site, and changes nothing', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    expect((await admin.post(`/console/conversations/${mine}/take`, {}, { csrf: null })).status).toBe(403);
    expect((await admin.post(`/console/conversations/${mine}/take`, {}, { csrf: 'forged' })).status).toBe(403);
    expect((await admin.post(`/console/conversations/${mine}/take`, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await stack.db.selectFrom('conversations').select('assigned_to').where('id', '=', mine).executeTakeFirstOrThrow()).assigned_to).toBeNull();
  });

  it('refuses a sign-in sent from another site, so no one is signed in with a key that is not theirs', async () => {
    const signIn = (headers: Record<string, string>) =>
      fetch(`${stack.baseUrl}/console/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ key: TEST_ADMIN_KEY }),
        redirect: 'manual',
      });
    const fromElsewhere: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }];
    for (const headers of fromElsewhere) {
      const answer = await signIn(headers);
      expect({ headers, status: answer.status, cookies: answer.headers.getSetCookie() }).toEqual({ headers, status: 403, cookies: [] });
    }
    expect((await signIn({ 'sec-fetch-site': 'same-origin' })).status).toBe(303);
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
    const missing = await scoped.get(`/console/conversations/${theirs}`);
    expect(missing.status).toBe(404);
    // Worded as for one that does not exist, on a page that keeps the console's navigation.
    expect(missing.html).toContain(`No conversation with id &quot;${theirs}&quot;.`);
    expect(missing.html).toContain('href="/console/inbox"');
    expect(missing.html).toContain('Sign out');
    expect((await scoped.get(`/console/conversations/${theirs}/events`)).status).toBe(404);
    expect((await scoped.post(`/console/conversations/${theirs}/take`)).status).toBe(404);
    const inbox = await scoped.get('/console/inbox');
    expect(inbox.html).toContain(`c-${mine}`);
    expect(inbox.html).not.toContain(`c-${theirs}`);
    expect(inbox.html).not.toContain(other);
  });

  it("streams a scoped key its bots' changes only, never naming another bot's conversation", async () => {
    const scoped = await signInToConsole(stack.baseUrl, await keyFor('Streamer', 'viewer', [stack.botId]));
    const controller = new AbortController();
    const response = await fetch(`${stack.baseUrl}/console/inbox/events`, { headers: { cookie: scoped.cookie, accept: 'text/event-stream' }, signal: controller.signal });
    let received = '';
    void (async () => {
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          received += value;
        }
      } catch {
        // closed
      }
    })();
    try {
      await waitFor('the stream to be ready', () => received.includes('event: ready'));
      await requestJson(stack.baseUrl, `/v1/bots/${other}/messages`, { body: { chatId: 'bob', userId: 'bob', messageId: 'b-stream', text: 'Still waiting for that refund' } });
      await postApiMessage(stack, 'alice', 'a-stream', 'And where is my parcel now?');
      await waitFor('the row of its own bot', () => received.includes('And where is my parcel now?'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received).toContain(`"id":"${mine}"`);
      expect(received).not.toContain(theirs);
      expect(received).not.toContain('Still waiting for that refund');
    } finally {
      controller.abort();
    }
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

  it('creates, edits and disables a bot in forms checked by the API\'s schemas, with each error beside its field', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    await admin.get('/console/bots/new');
    const refused = await fetch(`${stack.baseUrl}/console/bots`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ _csrf: admin.csrf, id: 'Bad Id', name: 'Helper', systemPrompt: 'Help.', model: 'gpt-4o-mini', debounceMs: 'soon', intents: '[{"name":"x y"}]', enabled: 'on' }),
      redirect: 'manual',
    });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    for (const field of ['id', 'debounceMs', 'intents']) expect(html).toContain(`id="${field}-error"`);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="soon"');
    expect(await stack.db.selectFrom('bots').select('id').where('name', '=', 'Helper').execute()).toEqual([]);

    const created = await admin.post('/console/bots', { id: 'helper', name: 'Helper', systemPrompt: 'Help.', model: 'gpt-4o-mini', debounceMs: '250', enabled: 'on' });
    expect(created).toMatchObject({ status: 303, location: '/console/bots/helper', flash: 'Bot created.' });
    const viaApi = await requestJson(stack.baseUrl, '/v1/bots/helper');
    expect(viaApi.body.data).toMatchObject({ name: 'Helper', debounceMs: 250, enabled: true, moderationPolicy: 'block' });

    const page = await admin.get('/console/bots/helper');
    expect(page.html).toContain('Webhook URL');
    expect(page.html).toContain('Set PUBLIC_URL');
    const edited = await admin.post('/console/bots/helper', { id: 'helper', name: 'Helper 2', systemPrompt: 'Help.', model: 'gpt-4o-mini', debounceMs: '250', moderationPolicy: 'flag', vision: 'auto', intents: '[]', whatsappTemplates: '[]' });
    expect(edited.flash).toMatch(/^Saved/);
    expect((await requestJson(stack.baseUrl, '/v1/bots/helper')).body.data).toMatchObject({ name: 'Helper 2', enabled: false, moderationPolicy: 'flag' });
  });

  it('stores channel credentials without ever showing them, and canned responses operators insert', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    await admin.get(`/console/bots/${stack.botId}`);
    const bad = await admin.post(`/console/bots/${stack.botId}/channels/telegram`, { botToken: 'nope', secretToken: 's3cret-value' });
    expect(bad.flash).toMatch(/were not stored: botToken: must be a token/);
    const good = await admin.post(`/console/bots/${stack.botId}/channels/telegram`, { botToken: '123456:AAsecretTOKENvalue', secretToken: 's3cret-value' });
    expect(good.flash).toBe('Stored the telegram credentials.');
    const page = await admin.get(`/console/bots/${stack.botId}`);
    expect(page.html).toContain('telegram: credentials stored');
    expect(page.html).not.toContain('AAsecretTOKENvalue');
    expect(page.html).not.toContain('s3cret-value');

    await admin.post(`/console/bots/${stack.botId}/canned`, { title: 'Greeting', text: 'Hello! <b>How</b> can I help?' });
    const conversation = await admin.get(`/console/conversations/${mine}`);
    expect(conversation.html).toContain('<option value="Hello! &lt;b&gt;How&lt;/b&gt; can I help?">1. Greeting</option>');

    const viewer = await signInToConsole(stack.baseUrl, await keyFor('Viv', 'viewer'));
    await viewer.get(`/console/bots/${stack.botId}`);
    expect((await viewer.post(`/console/bots/${stack.botId}`, { name: 'Taken' })).status).toBe(403);
    expect((await viewer.post(`/console/bots/${stack.botId}/canned`, { title: 'x', text: 'y' })).status).toBe(403);
  });

  it("gives a bot tools in a form checked by the API's schema, showing the signing secret once", async () => {
    const admin = await signInToConsole(stack.baseUrl);
    await admin.get(`/console/bots/${stack.botId}`);
    const tool = { name: 'order_status', description: "Looks up an order's status.", parameters: '{"type": "object", "properties": {"order": {"type": "string"}}}', url: 'https://shop.example.com/tools/order', timeoutMs: '' };
    const refused = await admin.post(`/console/bots/${stack.botId}/tools`, { ...tool, name: 'order status', parameters: '{"type": "object",', url: 'ftp://shop.example.com' });
    expect(refused.status).toBe(400);
    for (const field of ['name', 'parameters', 'url']) expect(refused.html).toContain(`id="tool-${field}-error"`);
    expect(refused.html).toContain('value="order status"');
    expect(await stack.db.selectFrom('bot_tools').select('name').where('bot_id', '=', stack.botId).execute()).toEqual([]);

    const added = await admin.post(`/console/bots/${stack.botId}/tools`, tool);
    expect(added.status).toBe(201);
    const secret = /<code class="secret">(tlsec_[\w-]+)<\/code>/.exec(added.html)?.[1];
    expect(secret).toBeDefined();
    expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/tools`)).body.data).toEqual([expect.objectContaining({ name: 'order_status', url: tool.url, timeoutMs: 10_000 })]);
    const again = await admin.get(`/console/bots/${stack.botId}`);
    expect(again.html).toContain('order_status');
    expect(again.html).not.toContain(secret!);
    expect((await admin.post(`/console/bots/${stack.botId}/tools`, tool)).html).toContain('already has a tool named');

    const viewer = await signInToConsole(stack.baseUrl, await keyFor('Tia', 'viewer'));
    expect((await viewer.get(`/console/bots/${stack.botId}`)).html).not.toContain('Add a tool');
    expect((await viewer.post(`/console/bots/${stack.botId}/tools/order_status/delete`)).status).toBe(403);
    expect((await admin.post(`/console/bots/${stack.botId}/tools/order_status/delete`)).flash).toBe('Deleted the tool “order_status”.');
    expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/tools`)).body.data).toEqual([]);
  });

  it('shows admins the audit log, filtered; nobody else', async () => {
    const admin = await signInToConsole(stack.baseUrl);
    const notes = await admin.get('/console/audit?action=%2Fnotes');
    expect(notes.status).toBe(200);
    expect(notes.html).toContain(`POST /console/conversations/${mine}/notes`);
    expect(notes.html).not.toContain('POST /v1/api-keys');
    const failed = await admin.get('/console/audit?failed=1');
    expect(failed.html).toContain('<td>403</td>');
    expect(failed.html).not.toContain('<td>303</td>');
    const operator = await signInToConsole(stack.baseUrl, await keyFor('Otto', 'operator'));
    expect((await operator.get('/console/audit')).status).toBe(403);
    const scopedAdmin = await signInToConsole(stack.baseUrl, await keyFor('Ada', 'admin', [stack.botId]));
    expect((await scopedAdmin.get('/console/audit')).status).toBe(403);
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
