import { sql } from 'kysely';
import { ApplicationFailure } from '@temporalio/common';
import { graphFailure } from '../../src/platforms/meta-graph';
import { type FakeMetaGraph, graphError, messengerEdit, messengerReaction, signHubBody, startFakeMetaGraph, postMetaWebhook } from '../fakes/fake-meta-graph';
import { chatMessages, modelImages, modelInputs, waitForReplies } from '../support/conversation-probes';
import type { TestStack } from '../support/test-stack';
import { usePlatformTestStack } from '../support/platform-test-stack';
import { waitFor } from '../support/wait-for';

const PAGE_ID = '106540352242922';
const APP_SECRET = 'messenger-app-secret';
const VERIFY_TOKEN = 'messenger-verify-token';
const PAGE_TOKEN = 'EAAGm0PX4ZCpsBAPageToken';

describe('Messenger', () => {
  let graph: FakeMetaGraph;
  let stack: TestStack;
  let counter = 0;
  const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

  const platform = usePlatformTestStack({
    startFake: () => startFakeMetaGraph(),
    env: (graph) => ({
      META_GRAPH_BASE_URL: graph.baseUrl,
      MESSENGER_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
      MESSENGER_APP_SECRET: APP_SECRET,
      MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
    }),
  });
  beforeAll(() => ({ stack, fake: graph } = platform));

  const webhookUrl = (botId = stack.botId) => `${stack.baseUrl}/webhooks/messenger/${botId}`;

  function postWebhook(payload: unknown, init: { signature?: string | null; contentType?: string; botId?: string } = {}) {
    return postMetaWebhook(webhookUrl(init.botId), payload, { appSecret: APP_SECRET, ...init });
  }

  /** A Page webhook with one entry per array of `messaging` events, as Meta batches them. */
  function pageWebhook(...entries: unknown[][]) {
    return { object: 'page', entry: entries.map((messaging, i) => ({ id: PAGE_ID, time: 1458692752478 + i, messaging })) };
  }

  function textMessage(psid: string, mid: string, text: string) {
    return { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: 1458692752478, message: { mid, text } };
  }

  const sendsTo = (psid: string) => graph.messengerSends().filter((r) => r.body?.recipient?.id === psid);

  function waitForDeliveries(psid: string, count: number, timeoutMs = 20_000) {
    return waitFor(
      `${count} replies delivered to ${psid}`,
      () => {
        const delivered = sendsTo(psid).filter((r) => r.status === 200);
        return delivered.length >= count && delivered;
      },
      { timeoutMs },
    );
  }

  /** A message on a fresh chat, answered: everything posted before it has been handled by then. */
  async function roundTrip(text = 'are you there?') {
    const psid = uid('psid');
    expect((await postWebhook(pageWebhook([textMessage(psid, uid('mid'), text)]))).status).toBe(200);
    await waitForDeliveries(psid, 1);
    return psid;
  }

  async function storedRows(chatId: string) {
    return stack.db.selectFrom('messages').innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.direction', 'messages.text', 'messages.attachments', 'messages.status', 'messages.error', 'messages.delivery_ids'])
      .where('conversations.bot_id', '=', stack.botId)
      .where('conversations.chat_id', '=', chatId)
      .orderBy('messages.seq')
      .execute();
  }

  async function lastError(chatId: string) {
    const row = await stack.db.selectFrom('conversations').select('last_error').where('bot_id', '=', stack.botId).where('chat_id', '=', chatId).executeTakeFirst();
    return row?.last_error ?? undefined;
  }

  it('answers a text message: from the signed webhook to the reply at the Send API', async () => {
    const psid = uid('psid');
    const mid = uid('mid.1457764197618');
    const response = await postWebhook(pageWebhook([textMessage(psid, mid, 'hello, world!')]));
    expect(response.status).toBe(200);

    const [send] = await waitForDeliveries(psid, 1);
    expect(send!.method).toBe('POST');
    expect(send!.path).toBe(`/v21.0/me/messages?access_token=${PAGE_TOKEN}`);
    expect(send!.headers['content-type']).toMatch(/^application\/json/);
    expect(send!.body).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'echo: hello, world!' } });

    const rows = await waitForReplies(stack, psid, 1);
    expect(rows.map((r) => [r.direction, r.text, r.status])).toEqual([
      ['inbound', 'hello, world!', 'received'],
      ['outbound', 'echo: hello, world!', 'sent'],
    ]);
    expect(rows[0]!.platform_message_id).toBe(mid);
    const [, outbound] = await storedRows(psid);
    expect(outbound!.delivery_ids).toEqual([expect.stringMatching(/^m_fake\d+$/)]);
  });

  it('answers the hub.challenge handshake with the verify token, and 403 otherwise', async () => {
    const get = (query: Record<string, string>) => fetch(`${webhookUrl()}?${new URLSearchParams(query)}`);
    const ok = await get({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');

    for (const query of [
      { 'hub.mode': 'subscribe', 'hub.verify_token': 'not-the-token', 'hub.challenge': '1158201444' },
      { 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1158201444' },
      { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444' } as Record<string, string>,
      { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' },
    ]) {
      const refused = await get(query);
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain('1158201444');
    }
  });

  it('shows the model a photo and a sticker from Meta\'s CDN, and answers them', async () => {
    const photo = uid('psid');
    const sticker = uid('psid');
    const jpeg = Buffer.from('ffd8ffe000104a464946', 'hex');
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const url = graph.addCdnFile('t1.15752-9/photo.jpg', { bytes: jpeg, contentType: 'image/jpeg' });
    const stickerUrl = graph.addCdnFile('t39.1997-6/sticker.png', { bytes: png, contentType: 'image/png' });
    const response = await postWebhook(
      pageWebhook(
        [{ sender: { id: photo }, recipient: { id: PAGE_ID }, timestamp: 1518479195308, message: { mid: uid('mid'), attachments: [{ type: 'image', payload: { url } }] } }],
        [
          {
            sender: { id: sticker },
            recipient: { id: PAGE_ID },
            timestamp: 1518479195309,
            // During Meta's sticker transition one sticker arrives as both types.
            message: {
              mid: uid('mid'),
              attachments: [
                { type: 'sticker', payload: { url: stickerUrl, sticker_id: 369239263222822 } },
                { type: 'image', payload: { url: stickerUrl, sticker_id: 369239263222822 } },
              ],
            },
          },
        ],
      ),
    );
    expect(response.status).toBe(200);
    await Promise.all([waitForDeliveries(photo, 1), waitForDeliveries(sticker, 1)]);

    const [photoIn] = await storedRows(photo);
    expect(photoIn).toMatchObject({ text: '', attachments: [{ kind: 'image', ref: url }] });
    const [stickerIn] = await storedRows(sticker);
    expect(stickerIn).toMatchObject({ text: '', attachments: [{ kind: 'sticker', ref: stickerUrl }] });
    expect(modelInputs(stack).sort()).toEqual(['[photo]', '[sticker]']);
    expect(modelImages(stack).flat().sort()).toEqual([`data:image/jpeg;base64,${jpeg.toString('base64')}`, `data:image/png;base64,${png.toString('base64')}`].sort());
  });

  it('tells the person, in words, when an attachment cannot be fetched', async () => {
    const psid = uid('psid');
    const gone = `${graph.baseUrl}/cdn/expired.jpg`;
    await postWebhook(pageWebhook([{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: 1518479195310, message: { mid: uid('mid'), attachments: [{ type: 'image', payload: { url: gone } }] } }]));
    await waitForDeliveries(psid, 1);
    expect(graph.messengerSends().filter((r) => r.body?.recipient?.id === psid).map((r) => r.body.message.text)).toEqual([
      "I couldn't open what you sent. Could you try sending it again, or tell me in words?",
    ]);
    expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
  });

  it('reads a postback (a tapped button) as the text of its title', async () => {
    const psid = uid('psid');
    const response = await postWebhook(
      pageWebhook([
        { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: 1527459824, postback: { mid: uid('mid'), title: 'Get Started', payload: 'GET_STARTED' } },
      ]),
    );
    expect(response.status).toBe(200);
    const [send] = await waitForDeliveries(psid, 1);
    expect(send!.body.message).toEqual({ text: 'echo: Get Started' });
  });

  it('walks every entry of a batched webhook: all messages accepted in order, each answered', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const response = await postWebhook(
      pageWebhook([textMessage(alice, uid('mid'), 'first from alice')], [textMessage(bob, uid('mid'), 'only from bob'), textMessage(alice, uid('mid'), 'second from alice')]),
    );
    expect(response.status).toBe(200);

    await waitFor('every message answered', () => {
      const aliceReplies = sendsTo(alice).map((r) => r.body.message.text as string).join('\n');
      const bobReplies = sendsTo(bob).map((r) => r.body.message.text as string).join('\n');
      return aliceReplies.includes('first from alice') && aliceReplies.includes('second from alice') && bobReplies.includes('only from bob');
    });
    const aliceIn = (await chatMessages(stack, alice)).filter((r) => r.direction === 'inbound').map((r) => r.text);
    const bobIn = (await chatMessages(stack, bob)).filter((r) => r.direction === 'inbound').map((r) => r.text);
    expect(aliceIn).toEqual(['first from alice', 'second from alice']);
    expect(bobIn).toEqual(['only from bob']);
  });

  it("keeps an edit's old text and a reaction on the Page's reply until it is taken back, and answers neither", async () => {
    const psid = uid('psid');
    const mid = uid('mid');
    expect((await postWebhook(pageWebhook([textMessage(psid, mid, 'I need size 42')]))).status).toBe(200);
    await waitForDeliveries(psid, 1);

    expect((await postWebhook(pageWebhook([messengerEdit({ psid, pageId: PAGE_ID, mid, text: 'I need size 43' })]))).status).toBe(200);
    const stored = await stack.db.selectFrom('messages').select(['text', 'previous_texts', 'edited_at']).where('platform_message_id', '=', mid).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ text: 'I need size 43', previous_texts: [{ text: 'I need size 42' }] });
    expect(stored.edited_at).not.toBeNull();

    // A reaction names the Page's reply by the message_id the Send API returned.
    const [reply] = await waitFor('the reply stored with its message_id', async () => {
      const rows = (await storedRows(psid)).filter((r) => r.direction === 'outbound');
      return rows.length > 0 && rows[0]!.delivery_ids.length > 0 && rows;
    });
    const ours = reply!.delivery_ids[0]!;
    const reactions = async () =>
      (await stack.db.selectFrom('messages').select('reactions').where('bot_id', '=', stack.botId).where('direction', '=', 'outbound').where(sql<boolean>`delivery_ids ? ${ours}`).executeTakeFirstOrThrow()).reactions;
    expect((await postWebhook(pageWebhook([messengerReaction({ psid, pageId: PAGE_ID, mid: ours, action: 'react', emoji: '\u2764\uFE0F', reaction: 'love' })]))).status).toBe(200);
    expect(await reactions()).toEqual([{ userId: psid, emoji: '\u2764\uFE0F' }]);
    expect((await postWebhook(pageWebhook([messengerReaction({ psid, pageId: PAGE_ID, mid: ours, action: 'unreact' })]))).status).toBe(200);
    expect(await reactions()).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sendsTo(psid)).toHaveLength(1);
    expect(modelInputs(stack)).toEqual(['I need size 42']);
  });

  it('answers 200 to echoes, deliveries, reads, reactions, edits and other objects, and does nothing', async () => {
    const psid = uid('psid');
    const ignored = [
      pageWebhook([{ sender: { id: PAGE_ID }, recipient: { id: psid }, timestamp: 1457764197627, message: { is_echo: true, app_id: 1517776481860111, mid: uid('mid'), text: 'our own reply' } }]),
      pageWebhook([{ sender: { id: psid }, recipient: { id: PAGE_ID }, delivery: { mids: ['mid.1458668856218:ed81099e15d3f4f233'], watermark: 1458668856253 } }]),
      pageWebhook([{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: 1458668856463, read: { watermark: 1458668856253 } }]),
      pageWebhook([{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: 1458668856463, reaction: { reaction: 'love', emoji: '\u2764\uFE0F', action: 'react', mid: uid('mid') } }]),
      pageWebhook([{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: 1458668856463, message_edit: { mid: uid('mid'), text: 'edited', num_edit: 1 } }]),
      { object: 'instagram', entry: [{ id: PAGE_ID, time: 1, messaging: [textMessage(psid, uid('mid'), 'not a Page event')] }] },
    ];
    for (const payload of ignored) {
      const response = await postWebhook(payload);
      expect(response.status).toBe(200);
    }

    await roundTrip();
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
    expect(graph.messengerSends()).toHaveLength(1);
    expect([...(await storedRows(psid)), ...(await storedRows(PAGE_ID))]).toEqual([]);
  });

  it('refuses missing and wrong signatures with 401, and nothing happens', async () => {
    const psid = uid('psid');
    const payload = pageWebhook([textMessage(psid, uid('mid'), 'forged')]);
    const raw = JSON.stringify(payload);
    for (const signature of [
      null,
      signHubBody(raw, 'another-app-secret'),
      // Signed over a re-encoding of the same JSON: only the raw bytes count.
      signHubBody(JSON.stringify(payload, null, 2), APP_SECRET),
      signHubBody(raw, APP_SECRET).replace('sha256=', 'sha1='),
      'sha256=',
    ]) {
      const response = await postWebhook(raw, { signature });
      expect(response.status).toBe(401);
      expect(JSON.parse(response.text).error.code).toBe('unauthorized');
    }

    await roundTrip();
    expect(await storedRows(psid)).toEqual([]);
    expect(sendsTo(psid)).toEqual([]);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
  });

  it('rejects truncated JSON (400), a wrong content type (415), an oversized body (413) and an unknown bot (404)', async () => {
    const psid = uid('psid');
    const valid = JSON.stringify(pageWebhook([textMessage(psid, uid('mid'), 'hello')]));
    expect((await postWebhook(valid.slice(0, 40))).status).toBe(400);
    expect((await postWebhook(valid, { contentType: 'text/plain' })).status).toBe(415);
    expect((await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'x'.repeat(70_000))]))).status).toBe(413);
    const unknownBot = await postWebhook(valid, { botId: 'no-such-bot' });
    expect(unknownBot.status).toBe(404);

    await roundTrip();
    expect(await storedRows(psid)).toEqual([]);
    expect(sendsTo(psid)).toEqual([]);
  });

  it('answers a webhook that Meta delivers three times only once', async () => {
    const psid = uid('psid');
    const raw = JSON.stringify(pageWebhook([textMessage(psid, uid('mid'), 'just once')]));
    const statuses = await Promise.all([postWebhook(raw), postWebhook(raw), postWebhook(raw)]);
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 200]);
    await waitForDeliveries(psid, 1);
    await postWebhook(raw);

    // The next message is answered only after every earlier one was handled.
    expect((await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'and then')]))).status).toBe(200);
    await waitForDeliveries(psid, 2);
    expect(sendsTo(psid).map((r) => r.body.message.text)).toEqual(['echo: just once', 'echo: and then']);
    expect((await storedRows(psid)).filter((r) => r.direction === 'inbound')).toHaveLength(2);
  });

  it('splits a long reply into parts within 2,000 characters, in order', async () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `Sentence number ${i + 1} tells a little more of the story, one step at a time.`);
    const long = sentences.join(' ');
    expect(long.length).toBeGreaterThan(4000);
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: long });

    const psid = uid('psid');
    await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'tell me a story')]));
    await waitForReplies(stack, psid, 1);
    const parts = sendsTo(psid).map((r) => r.body.message.text as string);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(2000);
    expect(parts.join(' ')).toBe(long);
  });

  it('honours a rate-limit storm: each retry waits as long as Meta asked, and the reply goes out once', async () => {
    const limited = () => graphError(613, { message: '(#613) Calls to this api have exceeded the rate limit.', headers: { 'retry-after': '1' } });
    graph.enqueue(limited(), limited(), limited());
    const psid = uid('psid');
    await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'busy?')]));

    await waitForDeliveries(psid, 1);
    const attempts = sendsTo(psid);
    expect(attempts.map((a) => a.status)).toEqual([400, 400, 400, 200]);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(990);
    const rows = await waitForReplies(stack, psid, 1);
    expect(rows.filter((r) => r.direction === 'outbound').map((r) => r.status)).toEqual(['sent']);
  });

  it.each([
    ['the person is unavailable (551)', graphError(551, { message: "This person isn't available right now.", subcode: 1545041 }), 'MessengerRecipientUnavailable'],
    ['outside the 24 h window (10/2018278)', graphError(10, { status: 403, message: '(#10) This message is sent outside of allowed window.', subcode: 2018278 }), 'MessengerWindowClosed'],
    ['a bad page token (190)', graphError(190, { status: 401, message: 'Error validating access token: Session has expired' }), 'MetaAccessTokenInvalid'],
  ])('stops at a permanent failure: %s, recorded on the conversation', async (_, answer, type) => {
    graph.enqueue(answer);
    const psid = uid('psid');
    await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'hello?')]));

    const error = await waitFor('the failure recorded on the conversation', () => lastError(psid));
    expect(error).toMatchObject({ type, message: expect.stringContaining(String((answer.json as any).error.code)) });
    expect(sendsTo(psid)).toHaveLength(1);
    const outbound = await waitFor('the failed reply stored', async () => {
      const rows = (await storedRows(psid)).filter((r) => r.direction === 'outbound');
      return rows.length > 0 && rows;
    });
    expect(outbound).toMatchObject([{ status: 'failed', error: { type } }]);

    await roundTrip('another chat still works');
  });

  const senderActionsTo = (psid: string) => graph.messengerSenderActions().filter((r) => r.body?.recipient?.id === psid);

  it('shows typing_on while the reply is written, and lets the reply itself end it', async () => {
    const psid = uid('psid');
    await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'typing?')]));
    const [send] = await waitForDeliveries(psid, 1);
    const actions = senderActionsTo(psid);
    expect(actions.map((r) => [r.body, r.status])).toEqual([[{ recipient: { id: psid }, sender_action: 'typing_on' }, 200]]);
    expect(new URL(actions[0]!.path, 'http://x').searchParams.get('access_token')).toBe(PAGE_TOKEN);
    expect(actions[0]!.at).toBeLessThanOrEqual(send!.at);
  });

  it('takes typing back with typing_off when the turn ends without a reply', async () => {
    graph.enqueue(graphError(551, { message: "This person isn't available right now.", subcode: 1545041 }));
    const psid = uid('psid');
    await postWebhook(pageWebhook([textMessage(psid, uid('mid'), 'hello?')]));
    await waitFor('the failure recorded on the conversation', () => lastError(psid));
    const actions = await waitFor('typing taken back', () => senderActionsTo(psid).length === 2 && senderActionsTo(psid));
    expect(actions.map((r) => r.body.sender_action)).toEqual(['typing_on', 'typing_off']);
  });
});

describe('Graph API error mapping', () => {
  const headers = (init: Record<string, string> = {}) => new Headers(init);
  const failure = (status: number, body: unknown, init?: Record<string, string>) =>
    graphFailure({ platform: 'Messenger', status, headers: headers(init), body, now: 0 });

  it('waits as long as the usage headers say, else a delay fitting the limit', () => {
    const usage = JSON.stringify({ [PAGE_ID]: [{ type: 'messenger', call_count: 100, total_cputime: 4, total_time: 7, estimated_time_to_regain_access: 2 }] });
    expect(failure(400, graphError(32).json, { 'x-business-use-case-usage': usage })).toMatchObject({ nextRetryDelay: 120_000, nonRetryable: false });
    expect(failure(400, graphError(4).json)).toMatchObject({ type: 'MessengerRateLimited', nextRetryDelay: 60_000 });
    expect(failure(400, graphError(613).json, { 'retry-after': '3' })).toMatchObject({ nextRetryDelay: 3_000 });
    expect(failure(429, undefined)).toMatchObject({ type: 'MessengerRateLimited', nextRetryDelay: undefined });
  });

  it('retries 5xx and transient errors with backoff, and stops at the rest', () => {
    for (const transient of [failure(500, graphError(1).json), failure(400, graphError(2, { isTransient: true }).json), failure(503, '<html>')]) {
      expect(transient).not.toBeInstanceOf(ApplicationFailure);
    }
    expect(failure(400, graphError(100, { subcode: 2018001, message: 'No matching user found' }).json)).toMatchObject({
      type: 'MetaInvalidRequest',
      nonRetryable: true,
      message: expect.stringContaining('(#100/2018001) No matching user found'),
    });
    expect(failure(400, graphError(368).json)).toMatchObject({ type: 'MessengerRequestRejected', nonRetryable: true });
  });
});
