import pino from 'pino';
import { prepareDatabase } from '../../src/wiring';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

describe('bots over /v1/bots', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  /** Bot ids are unique per stack: workflow ids carry them, and the Temporal namespace is shared. */
  const botIdFor = (name: string) => `${stack.botId}-${name}`;

  const newBot = (id: string, fields: Record<string, unknown> = {}) => ({
    id,
    name: 'Support',
    systemPrompt: 'You answer questions about invoices.',
    model: 'gpt-4o-mini',
    debounceMs: 0,
    ...fields,
  });

  function createBot(body: Record<string, unknown>) {
    return requestJson(stack.baseUrl, '/v1/bots', { body });
  }

  function patchBot(botId: string, body: unknown) {
    return requestJson(stack.baseUrl, `/v1/bots/${botId}`, { method: 'PATCH', body });
  }

  /** Like `postApiMessage`, for a bot other than the stack's. */
  function postMessage(botId: string, chatId: string, messageId: string, text: string) {
    return requestJson(stack.baseUrl, `/v1/bots/${botId}/messages?wait=true`, {
      body: { chatId, userId: `user-of-${chatId}`, messageId, text },
    });
  }

  /** The system prompt of the model call that answered `text`. */
  function systemPromptFor(text: string): string | undefined {
    const call = stack.fakeOpenAI.chatCalls().find((c) => c.body.messages.at(-1)?.content === text);
    return call?.body.messages[0]?.content;
  }

  function conversationsOf(botId: string) {
    return stack.db.selectFrom('conversations').selectAll().where('bot_id', '=', botId).execute();
  }

  it('creates a bot with defaults, reads it back and lists it', async () => {
    const id = botIdFor('create');
    const created = await createBot(newBot(id));
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id,
      name: 'Support',
      systemPrompt: 'You answer questions about invoices.',
      model: 'gpt-4o-mini',
      temperature: null,
      maxReplyTokens: null,
      debounceMs: 0,
      idleTimeoutMs: 24 * 3600 * 1000,
      handoffTimeoutMs: 10 * 60 * 1000,
      handoffPattern: null,
      moderationPolicy: 'block',
      fallbackReply: expect.any(String),
      enabled: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const read = await requestJson(stack.baseUrl, `/v1/bots/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(created.body.data);

    const withAll = await createBot(
      newBot(botIdFor('tuned'), { temperature: 0.7, maxReplyTokens: 300, moderationPolicy: 'flag', fallbackReply: 'Later!', enabled: false }),
    );
    expect(withAll.status).toBe(201);
    expect(withAll.body.data).toMatchObject({ temperature: 0.7, maxReplyTokens: 300, moderationPolicy: 'flag', fallbackReply: 'Later!', enabled: false });
  });

  it('pages through every bot by id with limit and cursor', async () => {
    await createBot(newBot(botIdFor('page-a')));
    await createBot(newBot(botIdFor('page-b')));
    const expected = (await stack.db.selectFrom('bots').select('id').where('deleted_at', 'is', null).execute()).map((r) => r.id).sort();
    expect(expected.length).toBeGreaterThanOrEqual(3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof requestJson>> = await requestJson(
        stack.baseUrl,
        `/v1/bots?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.data).toHaveLength(1);
      seen.push(page.body.data[0].id);
      cursor = page.body.nextCursor;
    } while (cursor);
    // Ids sort the same in Postgres and here for these ASCII ids.
    expect(seen).toEqual(expected);

    const all = await requestJson(stack.baseUrl, '/v1/bots');
    expect(all.body).toEqual({ data: expect.any(Array), nextCursor: null });
    expect(all.body.data.map((b: { id: string }) => b.id)).toEqual(expected);
  });

  it('applies an edit to the next turn of a conversation that is already running', async () => {
    const id = botIdFor('live-edit');
    expect((await createBot(newBot(id, { systemPrompt: 'Prompt before the edit.' }))).status).toBe(201);

    const first = await postMessage(id, 'chat-live', 'm-1', 'first question');
    expect(first.status).toBe(200);
    expect(first.body.reply.status).toBe('replied');
    expect(systemPromptFor('first question')).toMatch(/^Prompt before the edit\./);

    const patched = await patchBot(id, { systemPrompt: 'Prompt after the edit.', debounceMs: 50 });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ id, systemPrompt: 'Prompt after the edit.', debounceMs: 50, name: 'Support' });
    expect(Date.parse(patched.body.data.updatedAt)).toBeGreaterThanOrEqual(Date.parse(patched.body.data.createdAt));
    expect((await requestJson(stack.baseUrl, `/v1/bots/${id}`)).body.data).toEqual(patched.body.data);

    const second = await postMessage(id, 'chat-live', 'm-2', 'second question');
    expect(second.status).toBe(200);
    expect(second.body.reply.status).toBe('replied');
    expect(systemPromptFor('second question')).toMatch(/^Prompt after the edit\./);

    // The same conversation answered both: no restart was needed.
    const conversations = await conversationsOf(id);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.status).toBe('active');
  });

  it('keeps the messages of a disabled bot and answers none, until it is enabled again', async () => {
    const botId = botIdFor('disabled');
    expect((await createBot(newBot(botId))).status).toBe(201);
    expect((await patchBot(botId, { enabled: false })).status).toBe(200);

    const quiet = await postMessage(botId, 'quiet', 'm1', 'anyone home?');
    expect(quiet.status).toBe(200);
    expect(quiet.body.reply).toEqual({ status: 'not-answered', reason: 'disabled' });
    const [conversation] = await conversationsOf(botId);
    const stored = await stack.db.selectFrom('messages').select(['direction', 'text']).where('conversation_id', '=', conversation!.id).execute();
    expect(stored).toEqual([{ direction: 'inbound', text: 'anyone home?' }]);
    expect(systemPromptFor('anyone home?')).toBeUndefined();

    expect((await patchBot(botId, { enabled: true })).status).toBe(200);
    const answered = await postMessage(botId, 'quiet', 'm2', 'and now?');
    expect(answered.body.reply).toMatchObject({ status: 'replied', text: 'echo: and now?' });
  });

  it('hands over by the bot\'s own rule for asking for a human, and refuses a broken rule', async () => {
    const botId = botIdFor('pattern');
    expect((await createBot(newBot(botId, { handoffPattern: '\\bmanager\\b' }))).status).toBe(201);
    const res = await postMessage(botId, 'escalate', 'm1', 'I want your manager');
    expect(res.body.reply).toMatchObject({ status: 'replied', kind: 'notice' });
    expect((await patchBot(botId, { handoffPattern: '(unclosed' })).status).toBe(400);
  });

  it('answers 409 for a taken id', async () => {
    const id = botIdFor('taken');
    expect((await createBot(newBot(id))).status).toBe(201);
    const again = await createBot(newBot(id, { name: 'Another' }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect((await createBot(newBot(stack.botId))).status).toBe(409);
    expect((await requestJson(stack.baseUrl, `/v1/bots/${id}`)).body.data.name).toBe('Support');
  });

  it('answers 400 for bad bodies and queries, and writes nothing', async () => {
    const before = await stack.db.selectFrom('bots').select('id').orderBy('id').execute();
    const bad: Array<Record<string, unknown>> = [
      {},
      { ...newBot('ok-id'), id: 'has space' },
      { ...newBot('ok-id'), id: 'x'.repeat(65) },
      { ...newBot('ok-id'), name: '' },
      { ...newBot('ok-id'), systemPrompt: undefined },
      { ...newBot('ok-id'), temperature: 2.5 },
      { ...newBot('ok-id'), maxReplyTokens: 0 },
      { ...newBot('ok-id'), maxReplyTokens: 40_000 },
      { ...newBot('ok-id'), debounceMs: 60_001 },
      { ...newBot('ok-id'), idleTimeoutMs: 999 },
      { ...newBot('ok-id'), moderationPolicy: 'maybe' },
      { ...newBot('ok-id'), enabled: 'yes' },
      { ...newBot('ok-id'), color: 'blue' },
    ];
    for (const body of bad) {
      const res = await createBot(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
    expect((await requestJson(stack.baseUrl, '/v1/bots', { body: '{"id":' })).status).toBe(400);
    expect((await requestJson(stack.baseUrl, '/v1/bots', { body: 'id=x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect(await stack.db.selectFrom('bots').select('id').orderBy('id').execute()).toEqual(before);

    for (const patch of [{}, { id: 'renamed' }, { debounceMs: -1 }, { temperature: 'hot' }, { name: '   ' }]) {
      const res = await patchBot(stack.botId, patch);
      expect({ patch, status: res.status }).toEqual({ patch, status: 400 });
    }

    expect((await requestJson(stack.baseUrl, '/v1/bots?limit=0')).status).toBe(400);
    expect((await requestJson(stack.baseUrl, '/v1/bots?cursor=not-a-cursor')).status).toBe(400);
  });

  it('answers 404 for unknown bots', async () => {
    for (const res of [
      await requestJson(stack.baseUrl, '/v1/bots/nobody'),
      await patchBot('nobody', { name: 'x' }),
      await requestJson(stack.baseUrl, '/v1/bots/nobody', { method: 'DELETE' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('bot_not_found');
    }
  });

  it('needs a key', async () => {
    expect((await requestJson(stack.baseUrl, '/v1/bots', { admin: false })).status).toBe(401);
    expect((await requestJson(stack.baseUrl, '/v1/bots', { body: newBot(botIdFor('anonymous')), admin: false })).status).toBe(401);
  });

  it('ends the conversations of a deleted bot first, then the bot is gone for good', async () => {
    const id = botIdFor('doomed');
    expect((await createBot(newBot(id))).status).toBe(201);
    expect((await postMessage(id, 'chat-doomed', 'm-1', 'are you there?')).body.reply.status).toBe('replied');
    const [conversation] = await conversationsOf(id);
    expect(conversation?.status).toBe('active');

    const deleted = await requestJson(stack.baseUrl, `/v1/bots/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);

    const ended = await waitFor(
      'the conversation to end',
      async () => {
        const [row] = await conversationsOf(id);
        return row?.status === 'ended' && row;
      },
      { timeoutMs: 10_000 },
    );
    expect(ended.end_reason).toBe('bot deleted');

    expect((await requestJson(stack.baseUrl, `/v1/bots/${id}`)).status).toBe(404);
    expect((await patchBot(id, { name: 'Back' })).status).toBe(404);
    expect((await requestJson(stack.baseUrl, `/v1/bots/${id}`, { method: 'DELETE' })).status).toBe(404);
    const list = await requestJson(stack.baseUrl, '/v1/bots?limit=200');
    expect(list.body.data.map((b: { id: string }) => b.id)).not.toContain(id);

    const posted = await postMessage(id, 'chat-doomed', 'm-2', 'hello?');
    expect(posted.status).toBe(404);
    expect((await conversationsOf(id)).map((row) => row.status)).toEqual(['ended']);

    // The row stays for its conversations; the id is never handed out again.
    const recreated = await createBot(newBot(id));
    expect(recreated.status).toBe(409);
    expect(recreated.body.error.message).toMatch(/never reused/);
  });

  it('keeps the default bot edits when the configuration seeds again', async () => {
    const edited = await patchBot(stack.botId, { name: 'Edited assistant', enabled: false });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({ id: stack.botId, name: 'Edited assistant', enabled: false });

    await prepareDatabase(stack.config, stack.databaseUrl, pino({ level: 'silent' }));

    const read = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`);
    expect(read.body.data).toMatchObject({ name: 'Edited assistant', enabled: false });
  });
});
