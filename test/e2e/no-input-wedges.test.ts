import { sql } from 'kysely';
import { MAX_INBOUND_TEXT_LENGTH, TRUNCATION_MARKER } from '../../src/conversations/normalise-inbound';
import type { FakeTelegram } from '../fakes/fake-telegram';
import { telegramHeaders } from '../fakes/webhook-signers';
import { chatMessages, postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTelegramTestStack } from '../support/telegram-test-stack';
import { TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const BOT_TOKEN = '123456789:AAFakeTelegramToken_for-wedges';
const SECRET = 'telegram-secret_token-wedges';

/**
 * "A message we accept is answered", for every class of bad input: after each bad message, a good
 * one in the SAME conversation must still get its reply. One NUL used to silence a chat for good.
 */
describe('no input wedges a conversation', () => {
  let stack: TestStack;
  let fake: FakeTelegram;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ stack, fake, close } = await startTelegramTestStack({ botToken: BOT_TOKEN, secretToken: SECRET }));
  });
  afterAll(() => close?.());

  let nextUpdateId = 50_000;
  let nextChatId = 7_000_000;

  /** A signed Telegram update carrying `text`, sent as raw bytes so tests can break the encoding. */
  async function postTelegram(chatId: number, text: string | Buffer) {
    const updateId = nextUpdateId++;
    const prefix = `{"update_id":${updateId},"message":{"message_id":${updateId},"date":1441645532,` +
      `"chat":{"id":${chatId},"type":"private","first_name":"T"},"from":{"id":${chatId},"is_bot":false,"first_name":"T"},"text":"`;
    const body = Buffer.concat([Buffer.from(prefix), typeof text === 'string' ? Buffer.from(text) : text, Buffer.from('"}}')]);
    const response = await fetch(`${stack.baseUrl}/webhooks/telegram/${stack.botId}`, { method: 'POST', headers: telegramHeaders(SECRET), body: new Uint8Array(body) });
    return response.status;
  }

  const repliesTo = (chatId: number, count: number) =>
    waitFor(`${count} replies in Telegram chat ${chatId}`, () => fake.sends(String(chatId)).length >= count && fake.sends(String(chatId)), {
      timeoutMs: 30_000,
    });

  /** The bad message, its reply, then a good one in the same chat: two turns, two replies. */
  async function badThenGood(chatId: number, bad: string | Buffer, good: string) {
    expect(await postTelegram(chatId, bad)).toBe(200);
    await repliesTo(chatId, 1);
    expect(await postTelegram(chatId, good)).toBe(200);
    return (await repliesTo(chatId, 2)).map((send) => send.text);
  }

  /** The JSON of an API-channel message whose text is `textJson`, written by hand so it can hold escapes. */
  function apiBody(chatId: string, messageId: string, textJson: string) {
    return `{"chatId":"${chatId}","userId":"u","messageId":"${messageId}","text":${textJson}}`;
  }

  async function postApiRaw(body: string | Buffer, wait = true) {
    const response = await fetch(`${stack.baseUrl}/v1/bots/${stack.botId}/messages${wait ? '?wait=true' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return { status: response.status, body: await response.json() };
  }

  describe.each<[string, string, string]>([
    // [class, the text as JSON, what the person is answered about]
    ['NUL', '"before\\u0000after"', 'echo: beforeafter'],
    ['other control characters', '"bell\\u0007 escape\\u001b[31m del\\u007f c1\\u0085"', 'echo: bell escape[31m del c1'],
    ['a lone surrogate', '"half \\ud83d of an emoji"', 'echo: half \uFFFD of an emoji'],
  ])('%s', (_, textJson, expectedReply) => {
    it('is answered with the text made safe on the API channel, and so is the next message', async () => {
      const chatId = `api-${nextChatId++}`;
      const bad = await postApiRaw(apiBody(chatId, 'bad', textJson));
      expect(bad.status).toBe(200);
      expect(bad.body.reply).toEqual({ status: 'replied', kind: 'reply', text: expectedReply });
      const good = await postApiMessage(stack, chatId, 'good', 'still there?', true);
      expect(good.body.reply).toEqual({ status: 'replied', kind: 'reply', text: 'echo: still there?' });
    });

    it('is answered on a signed Telegram webhook, and so is the next message', async () => {
      const chatId = nextChatId++;
      // The JSON string's body, escapes and all, exactly as Telegram would write it.
      expect(await badThenGood(chatId, textJson.slice(1, -1), 'and now?')).toEqual([expectedReply, 'echo: and now?']);
    });
  });

  it('a web chat message with a NUL is answered, and so is the next one', async () => {
    const { body: session } = await requestJson(stack.baseUrl, `/webchat/${stack.botId}/sessions`, { body: {}, admin: false });
    const send = (text: string, clientMessageId: string) =>
      requestJson(stack.baseUrl, `/webchat/${stack.botId}/messages`, {
        body: { text, clientMessageId },
        headers: { authorization: `Bearer ${session.token}` },
        admin: false,
      });
    const replies = (count: number) => waitFor(`${count} web chat replies`, async () => {
      const outbound = await stack.db
        .selectFrom('messages')
        .select('text')
        .where('platform', '=', 'webchat')
        .where('direction', '=', 'outbound')
        .orderBy('seq')
        .execute();
      return outbound.length >= count && outbound;
    });
    expect((await send('nul\u0000here', 'w1')).status).toBe(202);
    await replies(1);
    expect((await send('next', 'w2')).status).toBe(202);
    const rows = await replies(2);
    expect(rows.map((row) => row.text)).toEqual(['echo: nulhere', 'echo: next']);
  });

  describe('invalid UTF-8 in the raw body', () => {
    const broken = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0xc3]); // "bad", then bytes that are not UTF-8

    it('is refused with a clear 400 on the API channel, which the caller can fix; the chat goes on', async () => {
      const chatId = `api-${nextChatId++}`;
      const prefix = Buffer.from(`{"chatId":"${chatId}","userId":"u","messageId":"bad","text":"`);
      const res = await postApiRaw(Buffer.concat([prefix, broken, Buffer.from('"}')]));
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: 'invalid_json', message: expect.stringContaining('UTF-8') });
      const good = await postApiMessage(stack, chatId, 'good', 'retrying in UTF-8', true);
      expect(good.body.reply).toEqual({ status: 'replied', kind: 'reply', text: 'echo: retrying in UTF-8' });
    });

    it('is accepted from a platform with replacement characters, and the next message is answered', async () => {
      const chatId = nextChatId++;
      expect(await badThenGood(chatId, broken, 'plain')).toEqual(['echo: bad\uFFFD\uFFFD\uFFFD', 'echo: plain']);
    });
  });

  describe('text past the limit', () => {
    it('is refused with 400 on the API channel; the chat goes on', async () => {
      const chatId = `api-${nextChatId++}`;
      const res = await postApiMessage(stack, chatId, 'long', 'x'.repeat(MAX_INBOUND_TEXT_LENGTH + 1), true);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      const good = await postApiMessage(stack, chatId, 'short', 'shorter', true);
      expect(good.body.reply.text).toBe('echo: shorter');
    });

    it('is cut with a marker when a platform delivers it, answered, and the next message too', async () => {
      const chatId = nextChatId++;
      expect(await postTelegram(chatId, 'y'.repeat(MAX_INBOUND_TEXT_LENGTH * 2))).toBe(200);
      // The long echo goes out in parts of at most Telegram's 4,096 characters.
      await waitFor('the long echo', () => fake.sends(String(chatId)).map((send) => send.text).join('').endsWith(TRUNCATION_MARKER));
      expect(await postTelegram(chatId, 'after the long one')).toBe(200);
      await waitFor('the next reply', () => fake.sends(String(chatId)).some((send) => send.text === 'echo: after the long one'));
      const stored = await stack.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select('messages.text')
        .where('conversations.chat_id', '=', String(chatId))
        .where('messages.direction', '=', 'inbound')
        .orderBy('messages.seq')
        .execute();
      expect(stored[0]!.text).toHaveLength(MAX_INBOUND_TEXT_LENGTH);
      expect(stored[0]!.text.endsWith(TRUNCATION_MARKER)).toBe(true);
    });
  });

  describe('ids with odd bytes', () => {
    it('refuses a chat or message id with control characters on the API channel; a clean one is answered', async () => {
      const chatId = `api-${nextChatId++}`;
      for (const body of [apiBody(`${chatId}\\u0000`, 'm', '"hi"'), apiBody(chatId, 'm\\u0000', '"hi"'), apiBody(chatId, 'm\\ud800', '"hi"')]) {
        const res = await postApiRaw(body);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
      const good = await postApiMessage(stack, chatId, 'm', 'hi', true);
      expect(good.body.reply.text).toBe('echo: hi');
    });

    it.each([
      ['/webhooks/telegram/%00', 'POST', 404],
      ['/webhooks/telegram/bad%20id', 'POST', 404],
      ['/chat/%00', 'GET', 404],
      ['/webchat/%00/sessions', 'POST', 404],
      ['/v1/bots/%00', 'GET', 404],
      ['/v1/bots/%00/messages', 'POST', 404],
      ['/v1/conversations?botId=%00', 'GET', 400],
      ['/v1/analytics/summary?botId=%00&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', 'GET', 400],
    ])('answers %s %s with %i, never 5xx', async (path, method, status) => {
      const res = await requestJson(stack.baseUrl, path, {
        method,
        body: method === 'POST' ? {} : undefined,
        headers: path.startsWith('/webhooks') ? telegramHeaders(SECRET) : {},
      });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toEqual(expect.any(String));
    });
  });

  it('records a message the database can never store, answers it "rejected", and answers the next one', async () => {
    // Stands in for any write no retry can cure: Postgres refuses this one text, forever.
    await sql`ALTER TABLE messages ADD CONSTRAINT test_refuses_poison CHECK (text <> 'poison')`.execute(stack.db);
    try {
      const chatId = `api-${nextChatId++}`;
      const bad = await postApiMessage(stack, chatId, 'poison', 'poison', true);
      expect(bad.body.reply).toEqual({ status: 'not-answered', reason: 'rejected' });
      const good = await postApiMessage(stack, chatId, 'antidote', 'antidote', true);
      expect(good.body.reply).toEqual({ status: 'replied', kind: 'reply', text: 'echo: antidote' });
      expect((await chatMessages(stack, chatId)).map((row) => [row.direction, row.text])).toEqual([
        ['inbound', 'antidote'],
        ['outbound', 'echo: antidote'],
      ]);
      const conversation = await stack.db.selectFrom('conversations').select('last_error').where('chat_id', '=', chatId).executeTakeFirstOrThrow();
      expect(conversation.last_error).toEqual(expect.objectContaining({ type: 'InboundRejected', message: expect.stringContaining('poison') }));
      const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/chat_inbound_rejected_total\{[^}]*platform="api"[^}]*\} 1/);
    } finally {
      await sql`ALTER TABLE messages DROP CONSTRAINT test_refuses_poison`.execute(stack.db);
    }
  });
});
