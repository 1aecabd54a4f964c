import { discord } from '../../src/platforms/discord';
import { createDiscordKeys, discordHeaders } from '../fakes/webhook-signers';
import { discordError, discordRateLimit, type FakeDiscord, startFakeDiscord } from '../fakes/fake-discord';
import { chatMessages, modelInputs } from '../support/conversation-probes';
import type { TestStack } from '../support/test-stack';
import { usePlatformTestStack } from '../support/platform-test-stack';
import { waitFor } from '../support/wait-for';

const APPLICATION_ID = '775799577604522054';
const BOT_TOKEN = 'discord-bot-token';

/** Discord HTTP interactions, from the signed webhook to the reply Discord receives. */
describe('discord', () => {
  const keys = createDiscordKeys();
  let fake: FakeDiscord;
  let stack: TestStack;
  let counter = 0;

  const platform = usePlatformTestStack({
    startFake: () => startFakeDiscord({ botToken: BOT_TOKEN }),
    env: (fake) => ({
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_API_BASE_URL: `${fake.baseUrl}/api/v10`,
    }),
  });
  beforeAll(() => ({ stack, fake: fake } = platform));

  /** A `/ask` slash command as Discord documents it (application-commands, "Example Interaction"). */
  function askCommand(text: string, overrides: { channelId?: string; dm?: boolean; bot?: boolean } = {}) {
    counter += 1;
    const user = { id: '53908232506183680', username: 'Mason', discriminator: '1337', avatar: null, ...(overrides.bot && { bot: true }) };
    return {
      type: 2,
      id: `78600872971521${String(counter).padStart(4, '0')}`,
      application_id: APPLICATION_ID,
      token: `interaction-token-${counter}`,
      version: 1,
      locale: 'en-US',
      ...(overrides.dm
        ? { user, channel: { id: overrides.channelId ?? 'dm-channel', type: 1 }, channel_id: overrides.channelId ?? 'dm-channel', context: 1 }
        : {
            member: { user, roles: ['539082325061836999'], permissions: '2147483647', nick: null, joined_at: '2017-03-13T19:19:14.040000+00:00', deaf: false, mute: false },
            guild_id: '290926798626357999',
            channel_id: overrides.channelId ?? '645027906669510667',
            context: 0,
          }),
      data: { id: '771825006014889984', name: 'ask', type: 1, options: [{ type: 3, name: 'text', value: text }] } as Record<string, unknown>,
    };
  }

  function post(body: unknown, headers?: Record<string, string>, botId = stack.botId) {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    return fetch(`${stack.baseUrl}/webhooks/discord/${botId}`, { method: 'POST', headers: headers ?? discordHeaders(keys.privateKey, raw), body: raw });
  }

  const webhookPath = (token: string) => `/api/v10/webhooks/${APPLICATION_ID}/${token}`;
  const sent = (count: number) => waitFor(`${count} messages sent to Discord`, () => fake.messageRequests().length >= count && fake.messageRequests());
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const conversationsOf = (chatId: string) => stack.db.selectFrom('conversations').select('id').where('chat_id', '=', chatId).execute();

  it('answers each /ask on its own, even within the bot\'s debounce window', async () => {
    await stack.db.updateTable('bots').set({ debounce_ms: 1_500 }).where('id', '=', stack.botId).execute();
    try {
      const first = askCommand('first question', { channelId: 'debounced-channel' });
      const second = askCommand('second question', { channelId: 'debounced-channel' });
      expect((await post(first)).status).toBe(200);
      expect((await post(second)).status).toBe(200);
      const requests = await sent(2);
      // Each interaction's own "thinking…" message gets its own answer.
      expect(requests.map((r) => [r.path, r.body.content])).toEqual([
        [`${webhookPath(first.token)}/messages/@original`, 'echo: first question'],
        [`${webhookPath(second.token)}/messages/@original`, 'echo: second question'],
      ]);
    } finally {
      await stack.db.updateTable('bots').set({ debounce_ms: 0 }).where('id', '=', stack.botId).execute();
    }
  });

  it('answers the PING with a PONG, as JSON', async () => {
    const res = await post({ type: 1, id: '1', application_id: APPLICATION_ID, token: 'ping-token', version: 1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ type: 1 });
    expect(fake.requests).toEqual([]);
  });

  it('defers /ask within 3 s, then fills in the "thinking…" message with the reply', async () => {
    const command = askCommand('What is Temporal?', { channelId: 'guild-channel' });
    const started = Date.now();
    const res = await post(command);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5 });

    const [request] = await sent(1);
    expect(request).toMatchObject({ method: 'PATCH', path: `${webhookPath(command.token)}/messages/@original` });
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toEqual({ content: 'echo: What is Temporal?', allowed_mentions: { parse: [] } });
    expect(modelInputs(stack)).toEqual(['What is Temporal?']);

    const rows = await waitFor('the reply stored', async () => {
      const rows = await chatMessages(stack, 'guild-channel');
      return rows.some((r) => r.direction === 'outbound' && r.status === 'sent') && rows;
    });
    expect(rows.map((r) => [r.direction, r.text, r.platform_message_id])).toEqual([
      ['inbound', 'What is Temporal?', command.id],
      ['outbound', 'echo: What is Temporal?', null],
    ]);
    const outbound = await stack.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select('messages.delivery_ids')
      .where('conversations.chat_id', '=', 'guild-channel')
      .where('messages.direction', '=', 'outbound')
      .executeTakeFirstOrThrow();
    expect(outbound.delivery_ids).toEqual([expect.stringMatching(/^\d+$/)]);
  });

  it('reads a /ask in a DM from `user` and `channel`', async () => {
    const command = askCommand('hello from a DM', { dm: true, channelId: 'dm-42' });
    expect(await (await post(command)).json()).toEqual({ type: 5 });
    const [request] = await sent(1);
    expect(request!.path).toBe(`${webhookPath(command.token)}/messages/@original`);
    const inbound = await stack.db.selectFrom('messages').select(['user_id', 'text']).where('platform_message_id', '=', command.id).executeTakeFirstOrThrow();
    expect(inbound).toEqual({ user_id: '53908232506183680', text: 'hello from a DM' });
    await waitFor('the DM reply stored', async () => (await chatMessages(stack, 'dm-42')).some((r) => r.direction === 'outbound'));
  });

  it('answers 401 to tampered, missing and foreign signatures, and nothing reaches the bot', async () => {
    const command = askCommand('let me in', { channelId: 'forged' });
    const raw = JSON.stringify(command);
    const signed = discordHeaders(keys.privateKey, raw);
    const tampered = raw.replace('let me in', 'let me out');
    const foreign = discordHeaders(createDiscordKeys().privateKey, raw);
    const attempts: Array<[string, Record<string, string>]> = [
      [tampered, signed],
      [raw, { 'content-type': 'application/json' }],
      [raw, { ...signed, 'x-signature-ed25519': '' }],
      [raw, { ...signed, 'x-signature-timestamp': String(Number(signed['x-signature-timestamp']) + 1) }],
      [raw, foreign],
      [raw, { ...signed, 'x-signature-ed25519': 'zz'.repeat(64) }],
    ];
    for (const [body, headers] of attempts) {
      const res = await post(body, headers);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
    await pause(500);
    expect(await conversationsOf('forged')).toEqual([]);
    expect(await stack.db.selectFrom('messages').select('id').where('platform_message_id', '=', command.id).execute()).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
  });

  it('rejects truncated JSON (400), the wrong content type (415), an oversized body (413) and an unknown bot (404)', async () => {
    const command = askCommand('bad input', { channelId: 'bad-input' });
    const raw = JSON.stringify(command);
    const truncated = raw.slice(0, 40);
    expect((await post(truncated)).status).toBe(400);
    expect((await post(raw, { ...discordHeaders(keys.privateKey, raw), 'content-type': 'text/plain' })).status).toBe(415);
    const huge = JSON.stringify(askCommand('x'.repeat(70 * 1024), { channelId: 'bad-input' }));
    expect((await post(huge)).status).toBe(413);
    const unknown = await post(raw, undefined, 'no-such-bot');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('bot_not_found');
    await pause(500);
    expect(await conversationsOf('bad-input')).toEqual([]);
    expect(await stack.db.selectFrom('messages').select('id').where('platform_message_id', '=', command.id).execute()).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('ignores bots and answers other interactions privately, without the model', async () => {
    const fromBot = await post(askCommand('I am a bot', { bot: true, channelId: 'ignored' }));
    expect(fromBot.status).toBe(200);

    // A context-menu command (right-click → Apps) is not a slash command.
    const other = askCommand('', { channelId: 'ignored' });
    const contextMenu = await post({ ...other, data: { id: '1', name: 'Quote', type: 3, target_id: '1' } });
    expect(await contextMenu.json()).toEqual({ type: 4, data: { content: expect.stringContaining('/ask'), flags: 64 } });

    const emptyAsk = await post(askCommand('   ', { channelId: 'ignored' }));
    expect(await emptyAsk.json()).toEqual({ type: 4, data: { content: expect.stringContaining('/ask'), flags: 64 } });

    const button = await post({ ...askCommand('', { channelId: 'ignored' }), type: 3, data: { custom_id: 'click', component_type: 2 } });
    // A press on no message of ours: acknowledged with a deferred update, and nothing else.
    expect(await button.json()).toEqual({ type: 6 });

    const autocomplete = await post({ ...askCommand('partial', { channelId: 'ignored' }), type: 4 });
    expect(await autocomplete.json()).toEqual({ type: 8, data: { choices: [] } });

    await pause(1_000);
    expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(await chatMessages(stack, 'ignored')).toEqual([]);
  });

  it('answers every slash command, not only /ask: its name, subcommands and options are the message', async () => {
    const translate = askCommand('', { channelId: 'commands' });
    translate.data = { id: '2', name: 'translate', type: 1, options: [{ type: 3, name: 'text', value: 'bonjour' }, { type: 3, name: 'to', value: 'en' }] };
    const settings = askCommand('', { channelId: 'commands-2' });
    settings.data = {
      id: '3',
      name: 'settings',
      type: 1,
      options: [{ type: 1, name: 'language', options: [{ type: 3, name: 'code', value: 'fr' }, { type: 5, name: 'everywhere', value: true }] }],
    };
    const help = askCommand('', { channelId: 'commands-3' });
    help.data = { id: '4', name: 'help', type: 1 };

    for (const command of [translate, settings, help]) expect(await (await post(command)).json()).toEqual({ type: 5 });
    const requests = await sent(3);
    expect(requests.map((r) => [r.path, r.body.content]).sort()).toEqual(
      [
        [`${webhookPath(translate.token)}/messages/@original`, 'echo: /translate text: bonjour to: en'],
        [`${webhookPath(settings.token)}/messages/@original`, 'echo: /settings language code: fr everywhere: yes'],
        [`${webhookPath(help.token)}/messages/@original`, 'echo: /help'],
      ].sort(),
    );
    expect(modelInputs(stack).sort()).toEqual(['/help', '/settings language code: fr everywhere: yes', '/translate text: bonjour to: en']);
    const stored = await stack.db.selectFrom('messages').select('text').where('platform_message_id', '=', translate.id).executeTakeFirstOrThrow();
    expect(stored.text).toBe('/translate text: bonjour to: en');
  });

  it('answers 400 to a signed interaction of a type Discord does not define, and nothing reaches the bot', async () => {
    for (const type of [0, 6, 42]) {
      const res = await post({ ...askCommand('not a real interaction', { channelId: 'undefined-types' }), type });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'bad_request', message: `Not an interaction type Discord defines (1 to 5): ${type}.` } });
    }
    await pause(500);
    expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(await chatMessages(stack, 'undefined-types')).toEqual([]);
  });

  it('answers the same interaction delivered three times once', async () => {
    const raw = JSON.stringify(askCommand('only once please', { channelId: 'duplicates' }));
    const headers = discordHeaders(keys.privateKey, raw);
    for (let i = 0; i < 3; i += 1) {
      const res = await post(raw, headers);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ type: 5 });
    }
    await sent(1);
    await pause(1_500);
    expect(fake.messageRequests()).toHaveLength(1);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
    const rows = await chatMessages(stack, 'duplicates');
    expect(rows.filter((r) => r.direction === 'inbound')).toHaveLength(1);
  });

  it('sends a long reply in parts of at most 2000 characters, in order', async () => {
    const sentences = Array.from({ length: 100 }, (_, i) => `Sentence number ${i + 1} explains one more detail of the answer.`);
    const text = sentences.join(' ');
    expect(text.length).toBeGreaterThan(4_000);
    stack.fakeOpenAI.enqueue({ kind: 'reply', text });
    const command = askCommand('tell me everything', { channelId: 'long' });
    await post(command);

    const parts = await waitFor('every part', () => {
      const requests = fake.messageRequests();
      return requests.map((r) => r.body.content as string).join(' ').includes('Sentence number 100') && requests;
    });
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH ${webhookPath(command.token)}/messages/@original`,
      ...parts.slice(1).map(() => `POST ${webhookPath(command.token)}`),
    ]);
    for (const part of parts) expect((part.body.content as string).length).toBeLessThanOrEqual(2_000);
    expect(parts.map((r) => (r.body.content as string).trim()).join(' ')).toBe(text);
  });

  it('waits as long as a 429 asks, then delivers once', async () => {
    fake.enqueue(discordRateLimit(1.5), discordRateLimit(1.5));
    await post(askCommand('are you busy?', { channelId: 'rate-limited' }));

    const requests = await waitFor('the delivery after the storm', () => {
      const all = fake.messageRequests();
      return all.some((r) => r.status === 200) && all;
    }, { timeoutMs: 20_000 });
    expect(requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(1_500);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(1_500);
    await pause(1_000);
    expect(fake.messageRequests().filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('stops at a permanent error (50007), records it, and other chats go on', async () => {
    fake.enqueue(discordError(403, 50007, 'Cannot send messages to this user'));
    await post(askCommand('can you DM me?', { channelId: 'blocked' }));

    const conversation = await waitFor('the recorded failure', () =>
      stack.db.selectFrom('conversations').select(['last_error']).where('chat_id', '=', 'blocked').executeTakeFirst().then((row) => (row?.last_error ? row : undefined)),
    );
    expect(conversation.last_error).toMatchObject({ type: 'DiscordCannotMessageUser', message: expect.stringContaining('50007') });
    await pause(1_500);
    expect(fake.messageRequests()).toHaveLength(1);

    await post(askCommand('still there?', { channelId: 'not-blocked' }));
    const requests = await sent(2);
    expect(requests[1]!.body.content).toBe('echo: still there?');
    expect(requests[1]!.status).toBe(200);
  });

  it('posts to the channel with a bot token and a stable nonce once the interaction token has expired', async () => {
    const command = askCommand('late answer', { channelId: 'expired' });
    fake.expireInteraction(command.token);
    fake.enqueueFor(/\/channels\//, { status: 502, json: { message: 'Bad Gateway' } });
    await post(command);

    const requests = await waitFor('the channel post after a 502', () => {
      const all = fake.messageRequests();
      return all.some((r) => r.status === 200) && all;
    });
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `PATCH ${webhookPath(command.token)}/messages/@original 401`,
      'POST /api/v10/channels/expired/messages 502',
      `PATCH ${webhookPath(command.token)}/messages/@original 401`,
      'POST /api/v10/channels/expired/messages 200',
    ]);
    const [first, retry] = [requests[1], requests[3]];
    expect(first!.headers.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(first!.body).toEqual({ content: 'echo: late answer', allowed_mentions: { parse: [] }, nonce: expect.any(String), enforce_nonce: true });
    expect(first!.body.nonce.length).toBeLessThanOrEqual(25);
    expect(retry!.body.nonce).toBe(first!.body.nonce);
  });

  it('leaves an /ask to Discord\'s own "thinking…" rather than trigger-typing in the channel as well', async () => {
    await post(askCommand('thinking?', { channelId: 'thinking' }));
    await sent(1);
    expect(fake.typingRequests()).toEqual([]);
  });

  it('triggers typing in the channel for a conversation without an interaction, with the bot token', async () => {
    const credentials = { applicationId: APPLICATION_ID, publicKey: keys.publicKeyHex, botToken: BOT_TOKEN };
    const typing = (replyContext?: Record<string, string>) => ({
      key: { botId: stack.botId, platform: 'discord' as const, chatId: '645027906669510667' },
      state: 'start' as const,
      outboundKey: 'reply:typing',
      ...(replyContext && { replyContext }),
    });
    const baseUrl = `${fake.baseUrl}/api/v10`;
    await discord.sendTyping!({ typing: typing(), credentials, baseUrl, abort: AbortSignal.timeout(2_000) });
    await discord.sendTyping!({ typing: typing({ applicationId: APPLICATION_ID, interactionToken: 'a-token' }), credentials, baseUrl, abort: AbortSignal.timeout(2_000) });
    expect(fake.typingRequests().map((r) => [r.method, r.path, r.headers.authorization, r.status])).toEqual([
      ['POST', '/api/v10/channels/645027906669510667/typing', `Bot ${BOT_TOKEN}`, 204],
    ]);

    const refused = discord.sendTyping!({ typing: typing(), credentials: { ...credentials, botToken: 'wrong' }, baseUrl, abort: AbortSignal.timeout(2_000) });
    await expect(refused).rejects.toThrow('Discord trigger-typing failed: 401');
  });
});
