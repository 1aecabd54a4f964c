import { sql } from 'kysely';
import { whatsapp } from '../../src/platforms/whatsapp';
import { type FakeMetaGraph, graphError, signHubBody, startFakeMetaGraph, postMetaWebhook, whatsappReaction } from '../fakes/fake-meta-graph';
import { chatMessages, modelImages, modelInputs, waitForReplies } from '../support/conversation-probes';
import type { TestStack } from '../support/test-stack';
import { usePlatformTestStack } from '../support/platform-test-stack';
import { waitFor } from '../support/wait-for';

const WABA_ID = '102290129340398';
const PHONE_NUMBER_ID = '106540352242922';
const APP_SECRET = 'whatsapp-app-secret';
const VERIFY_TOKEN = 'whatsapp-verify-token';
const ACCESS_TOKEN = 'EAAJB5SystemUserToken';
const PAIR_RATE_MS = 6_000;

/** One `changes[].value` carrying messages, as the `messages` webhook field sends them. */
function messagesChange(messages: unknown[], phoneNumberId = PHONE_NUMBER_ID) {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
      contacts: messages.map((m: any) => ({ profile: { name: 'Sheena Nelson' }, wa_id: m.from })),
      messages,
    },
  };
}

function statusesChange(statuses: unknown[]) {
  return {
    field: 'messages',
    value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, statuses },
  };
}

/** A webhook with one entry per array of changes. */
function accountWebhook(...entries: unknown[][]) {
  return { object: 'whatsapp_business_account', entry: entries.map((changes) => ({ id: WABA_ID, changes })) };
}

function textMessage(from: string, id: string, body: string) {
  return { from, id, timestamp: '1749416383', type: 'text', text: { body } };
}

function status(id: string, value: string, recipient: string, errors?: unknown[]) {
  return { id, status: value, timestamp: '1750263773', recipient_id: recipient, ...(errors && { errors }) };
}

const WINDOW_CLOSED = {
  code: 131047,
  title: 'Re-engagement message',
  message: 'Re-engagement message',
  error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
  href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
};

describe('WhatsApp', () => {
  let graph: FakeMetaGraph;
  let stack: TestStack;
  let counter = 0;
  const waId = () => `1650555${String(Date.now() % 100_000).padStart(5, '0')}${++counter}`;
  const wamid = () => `wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQz${Date.now().toString(36)}${++counter}`;

  const platform = usePlatformTestStack({
    startFake: () => startFakeMetaGraph(),
    env: (graph) => ({
      META_GRAPH_BASE_URL: graph.baseUrl,
      WHATSAPP_ACCESS_TOKEN: ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    }),
  });
  beforeAll(() => ({ stack, fake: graph } = platform));

  const webhookUrl = (botId = stack.botId) => `${stack.baseUrl}/webhooks/whatsapp/${botId}`;

  function postWebhook(payload: unknown, init: { signature?: string | null; contentType?: string; botId?: string } = {}) {
    return postMetaWebhook(webhookUrl(init.botId), payload, { appSecret: APP_SECRET, ...init });
  }

  const sendsTo = (to: string) => graph.whatsappSends().filter((r) => r.body?.to === to);

  function waitForDeliveries(to: string, count: number, timeoutMs = 20_000) {
    return waitFor(
      `${count} replies delivered to ${to}`,
      () => {
        const delivered = sendsTo(to).filter((r) => r.status === 200);
        return delivered.length >= count && delivered;
      },
      { timeoutMs },
    );
  }

  async function roundTrip(text = 'are you there?') {
    const from = waId();
    expect((await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), text)])]))).status).toBe(200);
    await waitForDeliveries(from, 1);
    return from;
  }

  async function storedRows(chatId: string) {
    return stack.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.direction', 'messages.text', 'messages.attachments', 'messages.status', 'messages.error', 'messages.delivery_ids'])
      .where('conversations.bot_id', '=', stack.botId)
      .where('conversations.chat_id', '=', chatId)
      .orderBy('messages.seq')
      .execute();
  }

  async function outboundRows(chatId: string) {
    return (await storedRows(chatId)).filter((r) => r.direction === 'outbound');
  }

  it('answers a text message: from the signed webhook to the reply at the Cloud API', async () => {
    const from = waId();
    const id = wamid();
    const response = await postWebhook(accountWebhook([messagesChange([textMessage(from, id, 'Does it come in another color?')])]));
    expect(response.status).toBe(200);

    const [send] = await waitForDeliveries(from, 1);
    expect(send!.method).toBe('POST');
    expect(send!.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(send!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(send!.headers['content-type']).toMatch(/^application\/json/);
    expect(send!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: from,
      type: 'text',
      text: { body: 'echo: Does it come in another color?' },
    });

    const rows = await waitForReplies(stack, from, 1);
    expect(rows.map((r) => [r.direction, r.text, r.status])).toEqual([
      ['inbound', 'Does it come in another color?', 'received'],
      ['outbound', 'echo: Does it come in another color?', 'sent'],
    ]);
    expect(rows[0]!.platform_message_id).toBe(id);
    const [outbound] = await outboundRows(from);
    expect(outbound!.delivery_ids).toEqual([expect.stringMatching(/^wamid\.FAKE\d+$/)]);
  });

  it('answers the hub.challenge handshake with the verify token, and 403 otherwise', async () => {
    const get = (query: Record<string, string>) => fetch(`${webhookUrl()}?${new URLSearchParams(query)}`);
    const ok = await get({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');

    const wrong = await get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'messenger-verify-token', 'hub.challenge': '1158201444' });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('1158201444');
  });

  it('fetches media through the Graph API: shows the model the photo, says honestly it cannot open the PDF, and reads a location and a contact card', async () => {
    const [photo, file, place, card] = [waId(), waId(), waId(), waId()];
    const jpeg = Buffer.from('ffd8ffe000104a464946', 'hex');
    graph.addWhatsAppMedia('1003383421387256', { bytes: jpeg, mimeType: 'image/jpeg', accessToken: ACCESS_TOKEN });
    graph.addWhatsAppMedia('1003383421387257', { bytes: Buffer.from('%PDF-1.7'), mimeType: 'application/pdf', accessToken: ACCESS_TOKEN });
    const response = await postWebhook(
      accountWebhook([
        messagesChange([
          {
            from: photo,
            id: wamid(),
            timestamp: '1749416383',
            type: 'image',
            image: { caption: 'What do you think of this?', mime_type: 'image/jpeg', sha256: 'HgarGQ7o=', id: '1003383421387256' },
          },
          {
            from: file,
            id: wamid(),
            timestamp: '1749416383',
            type: 'document',
            document: { filename: 'invoice.pdf', mime_type: 'application/pdf', sha256: 'Qh9dZ2s=', id: '1003383421387257' },
          },
          { from: place, id: wamid(), timestamp: '1749416383', type: 'location', location: { latitude: 37.4848, longitude: -122.1484, name: 'Philz Coffee' } },
          {
            from: card,
            id: wamid(),
            timestamp: '1749416383',
            type: 'contacts',
            contacts: [{ name: { formatted_name: 'Ada Lovelace', first_name: 'Ada' }, phones: [{ phone: '+44 20 7946 0958', wa_id: '442079460958', type: 'CELL' }] }],
          },
        ]),
      ]),
    );
    expect(response.status).toBe(200);
    await Promise.all([photo, file, place, card].map((to) => waitForDeliveries(to, 1)));

    expect((await storedRows(photo))[0]).toMatchObject({
      text: 'What do you think of this?',
      attachments: [{ kind: 'image', ref: '1003383421387256', mimeType: 'image/jpeg' }],
    });
    expect((await storedRows(file))[0]).toMatchObject({
      text: '',
      attachments: [{ kind: 'file', ref: '1003383421387257', mimeType: 'application/pdf', name: 'invoice.pdf' }],
    });
    expect((await storedRows(place))[0]).toMatchObject({ text: '', attachments: [{ kind: 'location', ref: '37.4848,-122.1484', name: 'Philz Coffee' }] });
    expect(modelInputs(stack).sort()).toEqual(['Contact: Ada Lovelace, +44 20 7946 0958', 'Location: Philz Coffee (37.48480, -122.14840)', 'What do you think of this?\n[photo]']);
    expect(modelImages(stack).flat()).toEqual([`data:image/jpeg;base64,${jpeg.toString('base64')}`]);
    const toFile = graph.whatsappSends().find((r) => r.body?.to === file);
    expect(toFile!.body.text.body).toBe("I can't open videos or files here. Could you tell me in words what you need?");
    const [kept] = await stack.db.selectFrom('media').innerJoin('conversations', 'conversations.id', 'media.conversation_id').select(['kind', 'mime_type', 'name']).where('conversations.chat_id', '=', file).execute();
    expect(kept).toEqual({ kind: 'file', mime_type: 'application/pdf', name: 'invoice.pdf' });
  });

  it('walks every entry of a batched webhook: all messages accepted in order, each answered', async () => {
    const [alice, bob] = [waId(), waId()];
    const response = await postWebhook(
      accountWebhook(
        [messagesChange([textMessage(alice, wamid(), 'first from alice')])],
        [messagesChange([textMessage(bob, wamid(), 'only from bob'), textMessage(alice, wamid(), 'second from alice')])],
      ),
    );
    expect(response.status).toBe(200);

    await waitFor(
      'every message answered',
      () => {
        const aliceReplies = sendsTo(alice).map((r) => r.body.text.body as string).join('\n');
        const bobReplies = sendsTo(bob).map((r) => r.body.text.body as string).join('\n');
        return aliceReplies.includes('first from alice') && aliceReplies.includes('second from alice') && bobReplies.includes('only from bob');
      },
      { timeoutMs: 20_000 },
    );
    const inbound = async (chatId: string) => (await chatMessages(stack, chatId)).filter((r) => r.direction === 'inbound').map((r) => r.text);
    expect(await inbound(alice)).toEqual(['first from alice', 'second from alice']);
    expect(await inbound(bob)).toEqual(['only from bob']);
  });

  it("stores a person's reaction on the bot's reply, replaced by the next and taken away by one without an emoji, and answers none", async () => {
    const from = waId();
    expect((await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'thanks a lot')])]))).status).toBe(200);
    await waitForDeliveries(from, 1);
    // Meta sends reactions to the business's messages: the reply, by the wamid the send returned.
    const [reply] = await waitFor('the reply stored with its wamid', async () => {
      const rows = await outboundRows(from);
      return rows.length > 0 && rows[0]!.delivery_ids.length > 0 && rows;
    });
    const ours = reply!.delivery_ids[0]!;
    const react = (emoji?: string) => postWebhook(accountWebhook([messagesChange([whatsappReaction({ from, id: wamid(), messageId: ours, ...(emoji !== undefined && { emoji }) })])]));
    const reactions = async () =>
      (await stack.db.selectFrom('messages').select('reactions').where('bot_id', '=', stack.botId).where('direction', '=', 'outbound').where(sql<boolean>`delivery_ids ? ${ours}`).executeTakeFirstOrThrow()).reactions;
    expect((await react('👍')).status).toBe(200);
    expect(await reactions()).toEqual([{ userId: from, emoji: '👍' }]);
    expect((await react('❤️')).status).toBe(200);
    expect(await reactions()).toEqual([{ userId: from, emoji: '❤️' }]);
    expect((await react()).status).toBe(200);
    expect(await reactions()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sendsTo(from)).toHaveLength(1);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
  });

  it('answers 200 to sent, delivered and read statuses, reactions, unsupported types and other numbers, and does nothing', async () => {
    const from = waId();
    const ours = wamid();
    const ignored = [
      accountWebhook([statusesChange([status(ours, 'sent', from)])]),
      accountWebhook([statusesChange([status(ours, 'delivered', from)])]),
      accountWebhook([statusesChange([status(ours, 'read', from)])]),
      accountWebhook([messagesChange([{ from, id: wamid(), timestamp: '1749416383', type: 'reaction', reaction: { message_id: ours, emoji: '\u2764\uFE0F' } }])]),
      accountWebhook([
        messagesChange([
          { from, id: wamid(), timestamp: '1749416383', type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown' }] },
        ]),
      ]),
      // The same app hears every number of the account; this bot answers for its own.
      accountWebhook([messagesChange([textMessage(from, wamid(), 'to another number')], '999999999999999')]),
    ];
    for (const payload of ignored) expect((await postWebhook(payload)).status).toBe(200);

    await roundTrip();
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
    expect(graph.whatsappSends()).toHaveLength(1);
    expect(await storedRows(from)).toEqual([]);
  });

  it('marks our sent reply failed when WhatsApp reports a failed status for it', async () => {
    const from = waId();
    await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'hi there')])]));
    await waitForReplies(stack, from, 1);
    const [sent] = await outboundRows(from);
    expect(sent).toMatchObject({ status: 'sent', delivery_ids: [expect.any(String)] });
    const ourWamid = sent!.delivery_ids[0]!;

    const statuses = [status(ourWamid, 'sent', from), status(ourWamid, 'failed', from, [WINDOW_CLOSED])];
    expect((await postWebhook(accountWebhook([statusesChange(statuses)]))).status).toBe(200);

    const [failed] = await outboundRows(from);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { type: 'WhatsAppWindowClosed', message: expect.stringContaining('(#131047) Re-engagement message') },
    });
    expect((await storedRows(from))[0]).toMatchObject({ direction: 'inbound', status: 'received' });
    expect(graph.whatsappSends()).toHaveLength(1);
  });

  it('refuses missing and wrong signatures with 401, and nothing happens', async () => {
    const from = waId();
    const payload = accountWebhook([messagesChange([textMessage(from, wamid(), 'forged')])]);
    const raw = JSON.stringify(payload);
    for (const signature of [null, signHubBody(raw, 'messenger-app-secret'), signHubBody(JSON.stringify(payload, null, 1), APP_SECRET), 'sha256=00']) {
      const response = await postWebhook(raw, { signature });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.text).error.code).toBe('unauthorized');
    }

    await roundTrip();
    expect(await storedRows(from)).toEqual([]);
    expect(sendsTo(from)).toEqual([]);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
  });

  it('rejects truncated JSON (400), a wrong content type (415), an oversized body (413) and an unknown bot (404)', async () => {
    const from = waId();
    const valid = JSON.stringify(accountWebhook([messagesChange([textMessage(from, wamid(), 'hello')])]));
    expect((await postWebhook(valid.slice(0, valid.length - 3))).status).toBe(400);
    expect((await postWebhook(valid, { contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'x'.repeat(70_000))])]))).status).toBe(413);
    expect((await postWebhook(valid, { botId: 'no-such-bot' })).status).toBe(404);

    await roundTrip();
    expect(await storedRows(from)).toEqual([]);
    expect(sendsTo(from)).toEqual([]);
  });

  it('answers a message delivered three times once, and paces the next reply to that user by the pair rate', async () => {
    const from = waId();
    const raw = JSON.stringify(accountWebhook([messagesChange([textMessage(from, wamid(), 'just once')])]));
    const responses = await Promise.all([postWebhook(raw), postWebhook(raw), postWebhook(raw)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await waitForDeliveries(from, 1);
    await postWebhook(raw);

    await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'and then')])]));
    const sends = await waitForDeliveries(from, 2);
    expect(sends.map((r) => r.body.text.body)).toEqual(['echo: just once', 'echo: and then']);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(PAIR_RATE_MS - 10);
    expect((await storedRows(from)).filter((r) => r.direction === 'inbound')).toHaveLength(2);
  });

  it('splits a long reply into parts within 4,096 characters, in order, paced by the pair rate', async () => {
    const long = Array.from({ length: 70 }, (_, i) => `Part of the answer number ${i + 1}, which goes on for a while to fill the message.`).join(' ');
    expect(long.length).toBeGreaterThan(4096);
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: long });

    const from = waId();
    await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'tell me everything')])]));
    await waitForReplies(stack, from, 1, 30_000);
    const parts = sendsTo(from);
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.body.text.body.length).toBeLessThanOrEqual(4096);
    expect(parts.map((p) => p.body.text.body).join(' ')).toBe(long);
    expect(parts[1]!.at - parts[0]!.at).toBeGreaterThanOrEqual(PAIR_RATE_MS - 10);
  });

  it('honours a 429 storm: each retry waits as long as asked, and the reply goes out once', async () => {
    const limited = () => graphError(130429, { status: 429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.', headers: { 'retry-after': '1' } });
    graph.enqueue(limited(), limited(), limited());
    const from = waId();
    await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'busy?')])]));

    await waitForDeliveries(from, 1);
    const attempts = sendsTo(from);
    expect(attempts.map((a) => a.status)).toEqual([429, 429, 429, 200]);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(990);
    const rows = await waitForReplies(stack, from, 1);
    expect(rows.filter((r) => r.direction === 'outbound').map((r) => r.status)).toEqual(['sent']);
  });

  it('honours the pair rate limit (131056): the retry waits one pair-rate interval', async () => {
    graph.enqueue(
      graphError(131056, {
        message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
        details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
      }),
    );
    const from = waId();
    await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'again?')])]));

    await waitForDeliveries(from, 1, 30_000);
    const attempts = sendsTo(from);
    expect(attempts.map((a) => a.status)).toEqual([400, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(PAIR_RATE_MS - 10);
  });

  it('stops when the 24 h window is closed (131047), records it on the conversation, and other chats go on', async () => {
    graph.enqueue(graphError(131047, { message: '(#131047) Re-engagement message', details: WINDOW_CLOSED.error_data.details }));
    const from = waId();
    await postWebhook(accountWebhook([messagesChange([textMessage(from, wamid(), 'still there?')])]));

    const lastError = await waitFor('the failure recorded on the conversation', async () => {
      const row = await stack.db.selectFrom('conversations').select('last_error').where('bot_id', '=', stack.botId).where('chat_id', '=', from).executeTakeFirst();
      return row?.last_error ?? undefined;
    });
    expect(lastError).toMatchObject({ type: 'WhatsAppWindowClosed', message: expect.stringContaining('131047') });
    expect(sendsTo(from)).toHaveLength(1);
    const outbound = await waitFor('the failed reply stored', async () => {
      const rows = await outboundRows(from);
      return rows.length > 0 && rows;
    });
    expect(outbound).toMatchObject([{ status: 'failed', error: { type: 'WhatsAppWindowClosed' } }]);

    await roundTrip('another user still gets answers');
  });

  it('shows the typing indicator on the message it answers while the reply is written, before the reply', async () => {
    const from = waId();
    const id = wamid();
    await postWebhook(accountWebhook([messagesChange([textMessage(from, id, 'typing?')])]));
    const [send] = await waitForDeliveries(from, 1);

    const indicators = graph.whatsappTypingIndicators().filter((r) => r.body.message_id === id);
    expect(indicators).toHaveLength(1);
    expect(indicators[0]!).toMatchObject({ method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/messages`, status: 200 });
    expect(indicators[0]!.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(indicators[0]!.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: id, typing_indicator: { type: 'text' } });
    expect(indicators[0]!.at).toBeLessThanOrEqual(send!.at);
  });
});

describe('WhatsApp webhook reading', () => {
  const credentials = { accessToken: 't', phoneNumberId: PHONE_NUMBER_ID, appSecret: 's', verifyToken: 'v' };
  const parse = (body: unknown) =>
    whatsapp.parseWebhook({
      botId: 'bot',
      body,
      credentials,
      receivedAt: '2026-11-28T00:00:00.000Z',
      request: { method: 'POST', headers: new Headers(), rawBody: Buffer.alloc(0), query: new URLSearchParams() },
    });

  it('reports every failed status, with a generic type for codes it does not know', () => {
    const outcome = parse(
      accountWebhook(
        [statusesChange([status('wamid.A', 'failed', '1', [WINDOW_CLOSED]), status('wamid.B', 'delivered', '1')])],
        [statusesChange([status('wamid.C', 'failed', '2', [{ code: 131053, title: 'Media upload error' }]), status('wamid.D', 'failed', '3')])],
      ),
    );
    expect(outcome).toEqual({
      kind: 'delivery-failed',
      failures: [
        { deliveryId: 'wamid.A', type: 'WhatsAppWindowClosed', message: expect.stringContaining('(#131047)') },
        { deliveryId: 'wamid.C', type: 'WhatsAppDeliveryFailed', message: '(#131053) Media upload error' },
        { deliveryId: 'wamid.D', type: 'WhatsAppDeliveryFailed', message: expect.any(String) },
      ],
    });
  });

  it('reads interactive replies as their titles, and ignores other objects', () => {
    const outcome = parse(
      accountWebhook([
        messagesChange([
          { from: '1', id: 'wamid.X', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } } },
        ]),
      ]),
    );
    expect(outcome).toMatchObject({ kind: 'messages', messages: [{ chatId: '1', userId: '1', messageId: 'wamid.X', text: 'Yes please' }] });
    expect(parse({ object: 'page', entry: [] })).toMatchObject({ kind: 'ignored' });
  });
});
