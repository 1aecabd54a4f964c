import type { ChannelJoinMessageEvent, MessageDeletedEvent, ReactionAddedEvent, AppHomeOpenedEvent } from '@slack/types';
import { ApplicationFailure } from '@temporalio/common';
import { slack } from '../../src/platforms/slack';
import {
  type FakeSlack,
  SLACK_APP_ID,
  SLACK_BOT_USER_ID,
  SLACK_TEAM_ID,
  nextSlackTs,
  slackAppMention,
  slackBotMessage,
  slackEventCallback,
  slackFileShare,
  slackMessageChanged,
  slackMessageDeleted,
  slackReaction,
  slackSignatureHeaders,
  slackUserMessage,
  startFakeSlack,
} from '../fakes/fake-slack';
import { chatMessages, modelImages, modelInputs } from '../support/conversation-probes';
import type { TestStack } from '../support/test-stack';
import { usePlatformTestStack } from '../support/platform-test-stack';
import { requestJson } from '../support/http';
import { waitFor } from '../support/wait-for';

const BOT_TOKEN = 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

describe('Slack', () => {
  let stack: TestStack;
  let fake: FakeSlack;
  const platform = usePlatformTestStack({
    startFake: () => startFakeSlack({ botToken: BOT_TOKEN }),
    env: (fake) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_BASE_URL: fake.baseUrl }),
  });
  beforeAll(() => ({ stack, fake: fake } = platform));

  /** POSTs a body to the bot's Slack Request URL, signed as Slack signs it unless told otherwise. */
  async function deliver(
    body: unknown,
    options: { headers?: Record<string, string>; timestamp?: number; secret?: string; botId?: string } = {},
  ) {
    const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${stack.baseUrl}/webhooks/slack/${options.botId ?? stack.botId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...slackSignatureHeaders(options.secret ?? SIGNING_SECRET, rawBody, options.timestamp),
        ...options.headers,
      },
      body: rawBody,
    });
    return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  }

  const postsTo = (channel: string) => fake.postedMessages().filter((r) => r.body?.channel === channel);
  const waitForPosts = (channel: string, count: number) =>
    waitFor(`${count} chat.postMessage calls to ${channel}`, () => postsTo(channel).length >= count && postsTo(channel));

  async function lastErrorOf(chatId: string) {
    const row = await stack.db
      .selectFrom('conversations')
      .select('last_error')
      .where('bot_id', '=', stack.botId)
      .where('platform', '=', 'slack')
      .where('chat_id', '=', chatId)
      .executeTakeFirst();
    return row?.last_error ?? undefined;
  }

  async function expectNothingReached(chatId: string) {
    expect(await chatMessages(stack, chatId)).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
  }

  it('answers the url_verification handshake with the challenge, and only when signed', async () => {
    const handshake = { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' };
    const answer = await deliver(handshake);
    expect(answer).toEqual({ status: 200, contentType: expect.stringMatching(/^text\/plain/), text: handshake.challenge });

    const forged = await deliver(handshake, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain(handshake.challenge);
  });

  it('answers a direct message with chat.postMessage at the top level, as the bot', async () => {
    const event = slackUserMessage({ channel: 'D0DIRECT01', text: 'Hello hello can you hear me?' });
    expect((await deliver(slackEventCallback(event))).status).toBe(200);

    const [post] = await waitForPosts('D0DIRECT01', 1);
    expect(post!.method).toBe('POST');
    expect(post!.path).toBe('/api/chat.postMessage');
    expect(post!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(post!.headers['content-type']).toMatch(/^application\/json/);
    expect(post!.body).toEqual({ channel: 'D0DIRECT01', text: 'echo: Hello hello can you hear me?' });

    const rows = await waitFor('the reply stored as sent', async () => {
      const all = await chatMessages(stack, 'D0DIRECT01');
      return all.some((r) => r.direction === 'outbound' && r.status === 'sent') && all;
    });
    expect(rows.map((r) => [r.direction, r.text, r.platform_message_id])).toEqual([
      ['inbound', 'Hello hello can you hear me?', `D0DIRECT01:${event.ts}`],
      ['outbound', 'echo: Hello hello can you hear me?', null],
    ]);
  });

  it('replies in the thread the person wrote in, and reads an app mention without the mention', async () => {
    const root = nextSlackTs();
    const mention = slackAppMention({ channel: 'C0THREAD01', text: 'is it everything a river should be?', thread_ts: root });
    expect((await deliver(slackEventCallback(mention))).status).toBe(200);

    const [post] = await waitForPosts('C0THREAD01', 1);
    expect(post!.body).toEqual({ channel: 'C0THREAD01', text: 'echo: is it everything a river should be?', thread_ts: root });
    expect(modelInputs(stack)).toEqual(['is it everything a river should be?']);
  });

  it('keeps two people in two threads of one channel apart: two turns, each answered in its own thread', async () => {
    await stack.db.updateTable('bots').set({ debounce_ms: 1_500 }).where('id', '=', stack.botId).execute();
    try {
      const [aliceRoot, bobRoot] = [nextSlackTs(), nextSlackTs()];
      const alice = slackUserMessage({ channel: 'C0TWOTHRD1', user: 'U0ALICE001', text: 'Alice asks about refunds', thread_ts: aliceRoot });
      const bob = slackUserMessage({ channel: 'C0TWOTHRD1', user: 'U0BOB00001', text: 'Bob asks about shipping', thread_ts: bobRoot });
      expect((await deliver(slackEventCallback(alice))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await deliver(slackEventCallback(bob))).status).toBe(200);

      const posts = await waitForPosts('C0TWOTHRD1', 2);
      expect(posts.map((p) => [p.body.thread_ts, p.body.text]).sort()).toEqual(
        [
          [aliceRoot, 'echo: Alice asks about refunds'],
          [bobRoot, 'echo: Bob asks about shipping'],
        ].sort(),
      );
      expect(modelInputs(stack).sort()).toEqual(['Alice asks about refunds', 'Bob asks about shipping']);
      // Each thread is a conversation of its own; neither holds the other's words.
      expect((await chatMessages(stack, `C0TWOTHRD1/${aliceRoot}`)).map((m) => m.text)).toEqual(['Alice asks about refunds', 'echo: Alice asks about refunds']);
      expect((await chatMessages(stack, `C0TWOTHRD1/${bobRoot}`)).map((m) => m.text)).toEqual(['Bob asks about shipping', 'echo: Bob asks about shipping']);
    } finally {
      await stack.db.updateTable('bots').set({ debounce_ms: 0 }).where('id', '=', stack.botId).execute();
    }
  });

  it('answers a top-level message in a channel in the thread it opens', async () => {
    const event = slackUserMessage({ channel: 'C0TOPLEVL1', text: 'anyone there?' });
    await deliver(slackEventCallback(event));
    const [post] = await waitForPosts('C0TOPLEVL1', 1);
    expect(post!.body).toEqual({ channel: 'C0TOPLEVL1', text: 'echo: anyone there?', thread_ts: event.ts });
  });

  it("sends the model's markdown as Slack mrkdwn", async () => {
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: '**Done**: see [the guide](https://docs.example.com/guide) and `npm start`.' });
    await deliver(slackEventCallback(slackUserMessage({ channel: 'D0MRKDWN01', text: 'how do I start?' })));
    const [post] = await waitForPosts('D0MRKDWN01', 1);
    expect(post!.body.text).toBe('*Done*: see <https://docs.example.com/guide|the guide> and `npm start`.');
  });

  it('records an edit, a delete and reactions on the stored messages, and answers none of them', async () => {
    const event = slackUserMessage({ channel: 'D0CHANGE01', text: 'my order number is 12345' });
    await deliver(slackEventCallback(event));
    await waitForPosts('D0CHANGE01', 1);
    const stored = () =>
      stack.db.selectFrom('messages').select(['text', 'previous_texts', 'edited_at', 'deleted_at', 'reactions']).where('platform_message_id', '=', `D0CHANGE01:${event.ts}`).executeTakeFirstOrThrow();
    const reaction = (type: 'reaction_added' | 'reaction_removed', ts: string, itemUser: string) =>
      deliver(slackEventCallback(slackReaction({ type, user: event.user, reaction: 'thumbsup', channel: 'D0CHANGE01', ts, itemUser })));

    expect((await deliver(slackEventCallback(slackMessageChanged({ channel: 'D0CHANGE01', text: 'my order number is 12346', original: event })))).status).toBe(200);
    expect((await reaction('reaction_added', event.ts, event.user)).status).toBe(200);
    expect(await stored()).toMatchObject({ text: 'my order number is 12346', previous_texts: [{ text: 'my order number is 12345' }], reactions: [{ userId: event.user, emoji: 'thumbsup' }] });
    expect((await stored()).edited_at).not.toBeNull();
    expect((await reaction('reaction_removed', event.ts, event.user)).status).toBe(200);
    expect((await stored()).reactions).toEqual([]);

    // A thumbs-up on the bot's answer is kept on the answer.
    const answer = await waitFor('the answer stored with its ts', async () => {
      const row = await stack.db.selectFrom('messages').select(['id', 'delivery_ids']).where('conversation_id', 'in', stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'D0CHANGE01')).where('direction', '=', 'outbound').executeTakeFirst();
      return row && row.delivery_ids.length > 0 && row;
    });
    expect((await reaction('reaction_added', answer.delivery_ids[0]!, SLACK_BOT_USER_ID)).status).toBe(200);
    const reactionsOnAnswer = async () => (await stack.db.selectFrom('messages').select('reactions').where('id', '=', answer.id).executeTakeFirstOrThrow()).reactions;
    expect(await reactionsOnAnswer()).toEqual([{ userId: event.user, emoji: 'thumbsup' }]);

    // Operators read what it said before the edit; viewers do not.
    const conversationId = (await stack.db.selectFrom('conversations').select('id').where('chat_id', '=', 'D0CHANGE01').executeTakeFirstOrThrow()).id;
    const viewerKey = (await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'edits viewer', role: 'viewer' } })).body.data.key;
    const asOperator = (await requestJson(stack.baseUrl, `/v1/conversations/${conversationId}/messages`)).body.data;
    const asViewer = (await requestJson(stack.baseUrl, `/v1/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${viewerKey}` } })).body.data;
    expect(asOperator[0]).toMatchObject({ text: 'my order number is 12346', editedAt: expect.any(String), previousTexts: [{ text: 'my order number is 12345' }], deleted: false });
    expect(asOperator[1]).toMatchObject({ direction: 'outbound', reactions: [{ userId: event.user, emoji: 'thumbsup' }] });
    expect(asViewer[0]).toMatchObject({ text: 'my order number is 12346', editedAt: expect.any(String) });
    expect(asViewer[0]).not.toHaveProperty('previousTexts');

    // A delete erases the text and every earlier version, for privacy.
    expect((await deliver(slackEventCallback(slackMessageDeleted(event)))).status).toBe(200);
    const after = await stored();
    expect(after).toMatchObject({ text: '', previous_texts: [] });
    expect(after.deleted_at).not.toBeNull();
    expect((await requestJson(stack.baseUrl, `/v1/conversations/${conversationId}/messages`)).body.data[0]).toMatchObject({ text: '', previousTexts: [], deleted: true });

    // None of it was answered: one reply, to the one message, and one model call.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(postsTo('D0CHANGE01')).toHaveLength(1);
    expect(modelInputs(stack)).toEqual(['my order number is 12345']);
  });

  it("reads Slack's escaping on the way in and escapes &, < and > on the way out", async () => {
    const event = slackUserMessage({ channel: 'D0ESCAPE01', text: 'is 1 &lt; 2 &amp;&amp; 3 &gt; 2?' });
    await deliver(slackEventCallback(event));

    const [post] = await waitForPosts('D0ESCAPE01', 1);
    expect(modelInputs(stack)).toEqual(['is 1 < 2 && 3 > 2?']);
    expect(post!.body.text).toBe('echo: is 1 &lt; 2 &amp;&amp; 3 &gt; 2?');
  });

  it('downloads a shared image with the bot token and shows it to the model, the message as its caption', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d', 'hex');
    fake.addFile('F04EEHX1EES', { bytes: png, mimetype: 'image/png', name: 'diagram.png' });
    await deliver(slackEventCallback(slackFileShare({ channel: 'D0FILES001', text: 'what is in this diagram?' })));

    await waitForPosts('D0FILES001', 1);
    expect(modelInputs(stack)).toEqual(['what is in this diagram?\n[photo]']);
    expect(modelImages(stack)).toEqual([[`data:image/png;base64,${png.toString('base64')}`]]);
    expect(fake.requests.find((r) => r.path.startsWith('/api/files.info'))!.path).toBe('/api/files.info?file=F04EEHX1EES');
    const inbound = await stack.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(['messages.text', 'messages.attachments'])
      .where('conversations.chat_id', '=', 'D0FILES001')
      .where('messages.direction', '=', 'inbound')
      .executeTakeFirstOrThrow();
    expect(inbound).toEqual({
      text: 'what is in this diagram?',
      attachments: [{ kind: 'image', ref: 'F04EEHX1EES', mimeType: 'image/png', name: 'diagram.png' }],
    });
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => { timestamp?: number; secret?: string; headers?: Record<string, string> }]>([
    ['a wrong signing secret', () => ({ secret: 'not-the-signing-secret' })],
    ['no signature headers', () => ({ headers: { 'x-slack-signature': '', 'x-slack-request-timestamp': '' } })],
    ['a signature of another body', () => ({ headers: { 'x-slack-signature': slackSignatureHeaders(SIGNING_SECRET, '{}')['x-slack-signature']! } })],
    ['a signature cut short', () => ({ headers: { 'x-slack-signature': 'v0=abc' } })],
    ['a stale timestamp (301 s old)', () => ({ timestamp: nowSeconds() - 301 })],
    ['a timestamp 301 s in the future', () => ({ timestamp: nowSeconds() + 301 })],
  ])('rejects %s with 401, and nothing happens', async (_, options) => {
    const response = await deliver(slackEventCallback(slackUserMessage({ channel: 'D0REJECT01', text: 'let me in' })), options());
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text).error.code).toBe('unauthorized');
    await expectNothingReached('D0REJECT01');
  });

  it('accepts a timestamp 4 minutes old: the window is five minutes', async () => {
    const event = slackUserMessage({ channel: 'D0LATE0001', text: 'slow network' });
    expect((await deliver(slackEventCallback(event), { timestamp: nowSeconds() - 240 })).status).toBe(200);
    await waitForPosts('D0LATE0001', 1);
  });

  it.each<[string, () => { body: unknown; headers?: Record<string, string>; botId?: string }, number]>([
    ['truncated JSON', () => ({ body: JSON.stringify(slackEventCallback(slackUserMessage({ channel: 'D0BADBODY1', text: 'hi' }))).slice(0, 60) }), 400],
    ['a wrong content type', () => ({ body: slackEventCallback(slackUserMessage({ channel: 'D0BADBODY1', text: 'hi' })), headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415],
    ['an oversized body (over 64 KiB)', () => ({ body: slackEventCallback(slackUserMessage({ channel: 'D0BADBODY1', text: 'x'.repeat(70_000) })) }), 413],
    ['an unknown bot', () => ({ body: slackEventCallback(slackUserMessage({ channel: 'D0BADBODY1', text: 'hi' })), botId: 'no-such-bot' }), 404],
  ])('rejects %s', async (_, request, status) => {
    const { body, ...options } = request();
    const response = await deliver(body, options);
    expect(response.status).toBe(status);
    expect(JSON.parse(response.text).error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    await expectNothingReached('D0BADBODY1');
  });

  it.each<[string, () => unknown]>([
    ['an edit (message_changed)', () => slackEventCallback(slackMessageChanged({ channel: 'C0IGNORE01', text: 'edited' }))],
    [
      'a delete (message_deleted)',
      () => {
        const previous = slackUserMessage({ channel: 'C0IGNORE01', text: 'gone' });
        const ts = nextSlackTs();
        return slackEventCallback({
          type: 'message', subtype: 'message_deleted', hidden: true, channel: 'C0IGNORE01', channel_type: 'channel', ts, event_ts: ts, deleted_ts: previous.ts, previous_message: previous,
        } satisfies MessageDeletedEvent);
      },
    ],
    [
      'a join (channel_join)',
      () => {
        const ts = nextSlackTs();
        return slackEventCallback({
          type: 'message', subtype: 'channel_join', team: SLACK_TEAM_ID, user: 'U2147483697', inviter: 'U061F7AUR', channel: 'C0IGNORE01', channel_type: 'channel', text: '<@U2147483697> has joined the channel', ts, event_ts: ts,
        } satisfies ChannelJoinMessageEvent);
      },
    ],
    ['a bot post (bot_message)', () => slackEventCallback(slackBotMessage({ channel: 'C0IGNORE01', text: 'beep' }))],
    ['a message carrying a bot_id without a subtype', () => slackEventCallback({ ...slackUserMessage({ channel: 'C0IGNORE01', text: 'from an app' }), bot_id: 'B0OTHERBOT' })],
    ["the bot's own user", () => slackEventCallback(slackUserMessage({ channel: 'C0IGNORE01', user: SLACK_BOT_USER_ID, text: 'echo: something' }))],
    [
      'a reaction (reaction_added)',
      () =>
        slackEventCallback({
          type: 'reaction_added', user: 'U2147483697', reaction: 'thumbsup', item_user: SLACK_BOT_USER_ID, item: { type: 'message', channel: 'C0IGNORE01', ts: nextSlackTs() }, event_ts: nextSlackTs(),
        } satisfies ReactionAddedEvent),
    ],
    ['another event type (app_home_opened)', () => slackEventCallback({ type: 'app_home_opened', user: 'U2147483697', channel: 'C0IGNORE01', tab: 'messages', event_ts: nextSlackTs() } satisfies AppHomeOpenedEvent)],
    ['an app_rate_limited notice', () => ({ token: 'XXYYZZ', type: 'app_rate_limited', team_id: SLACK_TEAM_ID, minute_rate_limited: 1518467820, api_app_id: SLACK_APP_ID })],
    ['a bare mention with no text', () => slackEventCallback(slackAppMention({ channel: 'C0IGNORE01', text: '' }))],
  ])('answers %s with 200 and no reply', async (_, body) => {
    const response = await deliver(body());
    expect(response.status).toBe(200);
    await expectNothingReached('C0IGNORE01');
  });

  it('answers a delivery that Slack retries (X-Slack-Retry-Num) once, with or without an event_id', async () => {
    for (const [channel, eventId] of [['C0RETRY001', 'Ev0RETRY001'], ['C0RETRY002', null]] as const) {
      const rawBody = JSON.stringify(slackEventCallback(slackUserMessage({ channel, text: 'only once please' }), { eventId }));
      const retry = (n: number) => deliver(rawBody, { headers: { 'x-slack-retry-num': String(n), 'x-slack-retry-reason': 'http_timeout' } });
      const deliveries = await Promise.all([deliver(rawBody), retry(1), retry(2)]);
      expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200]);
      await waitForPosts(channel, 1);

      // A late retry, then one more message: once that is answered, a second reply to the first would be in.
      expect((await retry(3)).status).toBe(200);
      await deliver(slackEventCallback(slackUserMessage({ channel, text: 'and then this' })));
      const posts = await waitForPosts(channel, 2);
      expect(posts.map((p) => p.body.text)).toEqual(['echo: only once please', 'echo: and then this']);
    }
  });

  it('answers a mention once when Slack sends it as both message and app_mention', async () => {
    const ts = nextSlackTs();
    const asMessage = slackUserMessage({ channel: 'C0BOTHWAYS', text: `<@${SLACK_BOT_USER_ID}> one answer`, ts });
    const asMention = slackAppMention({ channel: 'C0BOTHWAYS', user: asMessage.user, text: 'one answer', ts });
    await Promise.all([deliver(slackEventCallback(asMessage)), deliver(slackEventCallback(asMention))]);
    await waitForPosts('C0BOTHWAYS', 1);
    await deliver(slackEventCallback(slackUserMessage({ channel: 'C0BOTHWAYS', text: 'next' })));

    const posts = await waitForPosts('C0BOTHWAYS', 2);
    expect(posts.map((p) => p.body.text)).toEqual(['echo: one answer', 'echo: next']);
  });

  it('splits a long reply into parts within 4,000 characters, in order, all in the thread, a second apart', async () => {
    // Each paragraph is about 3,000 characters, so no two fit in one 4,000-character part.
    const paragraphs = ['alpha', 'bravo', 'charlie'].map((word) => `${word} `.repeat(3000 / (word.length + 1)).trim());
    const long = paragraphs.join('\n\n');
    stack.fakeOpenAI.enqueue({ kind: 'reply', text: long });
    const root = nextSlackTs();
    await deliver(slackEventCallback(slackUserMessage({ channel: 'C0SPLIT001', text: 'tell me everything', thread_ts: root })));

    const posts = await waitForPosts('C0SPLIT001', 3);
    expect(posts.map((p) => p.body.text)).toEqual(paragraphs);
    for (const post of posts) {
      expect(post.body.text.length).toBeLessThanOrEqual(4000);
      expect(post.body.thread_ts).toBe(root);
    }
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('waits as long as Retry-After asks through a storm of 429s, then posts once', async () => {
    fake.rateLimitNext(3, 1);
    await deliver(slackEventCallback(slackUserMessage({ channel: 'D0STORM001', text: 'busy day' })));

    const posts = await waitFor('the post after the storm', () => postsTo('D0STORM001').some((p) => p.status === 200) && postsTo('D0STORM001'), { timeoutMs: 20_000 });
    expect(posts.map((p) => p.status)).toEqual([429, 429, 429, 200]);
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    expect(posts.every((p) => p.body.text === 'echo: busy day')).toBe(true);
  });

  it('retries a 5xx', async () => {
    fake.failNext(503);
    await deliver(slackEventCallback(slackUserMessage({ channel: 'D0FLAKY001', text: 'are you there?' })));

    const posts = await waitFor('the retried post', () => postsTo('D0FLAKY001').some((p) => p.status === 200) && postsTo('D0FLAKY001'));
    expect(posts.map((p) => p.status)).toEqual([503, 200]);
  });

  it('stops at a permanent refusal, records it on the conversation, and other chats go on', async () => {
    fake.refuseNext('channel_not_found');
    const gone = slackUserMessage({ channel: 'C0GONE0001', text: 'anyone?' });
    await deliver(slackEventCallback(gone));
    const thread = `C0GONE0001/${gone.ts}`;

    const lastError = await waitFor('the failure recorded', () => lastErrorOf(thread));
    expect(lastError).toEqual(expect.objectContaining({ type: 'SlackChannelNotFound', message: expect.stringContaining('channel_not_found') }));

    await deliver(slackEventCallback(slackUserMessage({ channel: 'D0ALIVE001', text: 'still here' })));
    await waitForPosts('D0ALIVE001', 1);
    expect(postsTo('C0GONE0001')).toHaveLength(1);
    const rows = await chatMessages(stack, thread);
    expect(rows.map((r) => [r.direction, r.status])).toEqual([
      ['inbound', 'received'],
      ['outbound', 'failed'],
    ]);
  });

  describe('sendMessage maps what Slack answers', () => {
    const reply = { key: { botId: 'b', platform: 'slack' as const, chatId: 'C0MAPPING1' }, text: 'hi', outboundKey: 'reply:x' };
    const send = () => slack.sendMessage({ reply, credentials: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET }, baseUrl: fake.baseUrl });
    const failureOf = async () => {
      const error = await send().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof Error)) throw new Error('expected the send to fail');
      return error;
    };

    it('to the ts of the posted message', async () => {
      expect(await send()).toEqual({ platformMessageIds: [expect.stringMatching(/^\d+\.\d{6}$/)] });
    });

    it('to a retry after Retry-After on HTTP 429, and on a ratelimited body', async () => {
      fake.rateLimitNext(1, 2);
      expect(await failureOf()).toMatchObject({ type: 'SlackRateLimited', nonRetryable: false, nextRetryDelay: 2000 });
      fake.enqueue({ status: 200, json: { ok: false, error: 'ratelimited' } });
      expect(await failureOf()).toMatchObject({ type: 'SlackRateLimited', nonRetryable: false });
    });

    it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'msg_too_long'])(
      'to a permanent failure on %s',
      async (code) => {
        fake.refuseNext(code);
        const failure = await failureOf();
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure).toMatchObject({ nonRetryable: true, message: expect.stringContaining(code) });
        expect((failure as ApplicationFailure).type).toMatch(/^Slack[A-Z][A-Za-z]+$/);
      },
    );

    it('to a plain (retried) error on 5xx and on Slack internal errors', async () => {
      fake.failNext(502);
      expect(await failureOf()).not.toBeInstanceOf(ApplicationFailure);
      fake.refuseNext('internal_error');
      expect(await failureOf()).not.toBeInstanceOf(ApplicationFailure);
    });

    it('to a permanent failure when the bot token is wrong', async () => {
      const failure = await slack
        .sendMessage({ reply, credentials: { botToken: 'xoxb-wrong', signingSecret: SIGNING_SECRET }, baseUrl: fake.baseUrl })
        .catch((e: unknown) => e);
      expect(failure).toMatchObject({ type: 'SlackInvalidAuth', nonRetryable: true });
    });
  });
});
