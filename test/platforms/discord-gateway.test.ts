import { createLogger } from '../../src/logger';
import { createDiscordGatewayServices, type DiscordGatewayServices } from '../../src/wiring';
import { type FakeDiscordGateway, GatewayOpcodes, startFakeDiscordGateway } from '../fakes/fake-discord-gateway';
import { discordError, startFakeDiscord, type FakeDiscord } from '../fakes/fake-discord';
import { createDiscordKeys } from '../fakes/webhook-signers';
import { chatMessages, modelInputs } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const APPLICATION_ID = '775799577604522054';
const BOT_TOKEN = 'discord-gateway-bot-token';
const BOT_USER_ID = '775799577604522999';

/** Mentions and DMs over Discord's Gateway: a fake Gateway speaking its opcodes, the real stack, the fake REST API. */
describe('discord gateway', () => {
  let gateway: FakeDiscordGateway;
  let rest: FakeDiscord;
  let stack: TestStack;
  let services: DiscordGatewayServices;
  let counter = 0;

  beforeAll(async () => {
    gateway = await startFakeDiscordGateway({ botToken: BOT_TOKEN, botUserId: BOT_USER_ID, applicationId: APPLICATION_ID });
    rest = await startFakeDiscord({ botToken: BOT_TOKEN, gatewayUrl: gateway.url });
    stack = await startTestStack({
      env: {
        DISCORD_APPLICATION_ID: APPLICATION_ID,
        DISCORD_PUBLIC_KEY: createDiscordKeys().publicKeyHex,
        DISCORD_BOT_TOKEN: BOT_TOKEN,
        DISCORD_API_BASE_URL: `${rest.baseUrl}/api/v10`,
      },
    });
    services = await createDiscordGatewayServices(
      stack.config,
      { databaseUrl: stack.databaseUrl, temporalAddress: stack.config.temporal.address! },
      createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    );
    await waitFor('the bot identified on the Gateway', () => gateway.readyClients() === 1);
  });
  afterAll(async () => {
    await services?.close();
    await stack?.close();
    await rest?.close();
    await gateway?.close();
  });
  beforeEach(() => {
    rest.reset();
    stack.fakeOpenAI.reset();
  });

  /** A MESSAGE_CREATE as Discord documents it (a Message object, plus guild_id and member in a server). */
  function messageCreate(content: string, overrides: { channelId: string; guild?: boolean; mentionsBot?: boolean; authorBot?: boolean }) {
    counter += 1;
    return {
      id: `112233445566778${String(counter).padStart(4, '0')}`,
      channel_id: overrides.channelId,
      ...(overrides.guild && { guild_id: '290926798626357999', member: { roles: [], joined_at: '2017-03-13T19:19:14.040000+00:00', deaf: false, mute: false } }),
      author: { id: '53908232506183680', username: 'mason', discriminator: '0', global_name: 'Mason', avatar: null, ...(overrides.authorBot && { bot: true }) },
      type: 0,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: overrides.mentionsBot ? [{ id: BOT_USER_ID, username: 'fake-bot', discriminator: '0', avatar: null, bot: true }] : [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      flags: 0,
    };
  }

  const postsTo = (channelId: string) => rest.messageRequests().filter((r) => r.path === `/api/v10/channels/${channelId}/messages`);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('identifies with the bot token, for server and direct messages only (no privileged intent)', () => {
    const identify = gateway.frames.find((frame) => frame.op === GatewayOpcodes.identify);
    expect(identify?.d).toMatchObject({ token: BOT_TOKEN, intents: 512 | 4096 });
  });

  it('answers a direct message in the DM channel, with the bot token', async () => {
    const dm = messageCreate('hello over a DM', { channelId: 'dm-channel-1' });
    gateway.dispatch('MESSAGE_CREATE', dm);
    const [post] = await waitFor('the DM answered', () => postsTo('dm-channel-1').length >= 1 && postsTo('dm-channel-1'));
    expect(post!.headers.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(post!.body).toMatchObject({ content: 'echo: hello over a DM', allowed_mentions: { parse: [] }, enforce_nonce: true });
    expect(post!.body.message_reference).toBeUndefined();
    const inbound = await stack.db.selectFrom('messages').select(['user_id', 'text']).where('platform_message_id', '=', dm.id).executeTakeFirstOrThrow();
    expect(inbound).toEqual({ user_id: '53908232506183680', text: 'hello over a DM' });
  });

  it('answers a mention in a server channel as a reply to it, without the mention in the text the model reads', async () => {
    const mention = messageCreate(`<@${BOT_USER_ID}> what is Temporal?`, { channelId: 'guild-channel-1', guild: true, mentionsBot: true });
    gateway.dispatch('MESSAGE_CREATE', mention);
    const [post] = await waitFor('the mention answered', () => postsTo('guild-channel-1').length >= 1 && postsTo('guild-channel-1'));
    expect(post!.body).toMatchObject({ content: 'echo: what is Temporal?', message_reference: { message_id: mention.id, fail_if_not_exists: false } });
    expect(modelInputs(stack)).toEqual(['what is Temporal?']);
  });

  it('still answers a mention when the bot may not read the message history that a reply needs, as a plain message', async () => {
    rest.enqueueFor(/\/channels\/guild-no-history\/messages$/, discordError(403, 50013, 'Missing Permissions'));
    const mention = messageCreate(`<@${BOT_USER_ID}> are you there?`, { channelId: 'guild-no-history', guild: true, mentionsBot: true });
    gateway.dispatch('MESSAGE_CREATE', mention);
    const posts = await waitFor('the mention answered', () => postsTo('guild-no-history').length >= 2 && postsTo('guild-no-history'));
    expect(posts.map((p) => [p.status, p.body.message_reference?.message_id ?? null])).toEqual([
      [403, mention.id],
      [200, null],
    ]);
    expect(posts[1]!.body.content).toBe('echo: are you there?');
  });

  it('ignores server messages not addressed to the bot, and messages from bots', async () => {
    gateway.dispatch('MESSAGE_CREATE', messageCreate('just chatting', { channelId: 'guild-quiet', guild: true }));
    gateway.dispatch('MESSAGE_CREATE', messageCreate(`<@${BOT_USER_ID}> ping`, { channelId: 'guild-quiet', guild: true, mentionsBot: true, authorBot: true }));
    gateway.dispatch('MESSAGE_CREATE', messageCreate('I am a bot', { channelId: 'dm-quiet', authorBot: true }));
    await pause(1_000);
    expect(stack.fakeOpenAI.chatCalls()).toEqual([]);
    expect(rest.messageRequests()).toEqual([]);
    expect(await chatMessages(stack, 'guild-quiet')).toEqual([]);
  });

  it('answers a message the Gateway delivers twice once', async () => {
    const dm = messageCreate('only once', { channelId: 'dm-twice' });
    gateway.dispatch('MESSAGE_CREATE', dm);
    gateway.dispatch('MESSAGE_CREATE', dm);
    await waitFor('the DM answered', () => postsTo('dm-twice').length >= 1);
    await pause(1_000);
    expect(postsTo('dm-twice')).toHaveLength(1);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);
  });

  it('follows channels stored and removed through the API without a restart; a token Discord refuses stops nothing else', async () => {
    const other = `${stack.botId}-other`;
    const channel = `/v1/bots/${other}/channels/discord`;
    const credentials = { applicationId: APPLICATION_ID, publicKey: createDiscordKeys().publicKeyHex };
    expect((await requestJson(stack.baseUrl, '/v1/bots', { body: { id: other, name: 'Other', systemPrompt: 'Help.', model: 'gpt-4o-mini' } })).status).toBe(201);

    expect((await requestJson(stack.baseUrl, channel, { method: 'PUT', body: { ...credentials, botToken: 'a-revoked-token' } })).status).toBe(201);
    await services.gateways.sync();
    expect(rest.requests.filter((r) => r.path === '/api/v10/gateway/bot' && r.status === 401)).toHaveLength(1);
    expect(gateway.readyClients()).toBe(1);
    const dm = messageCreate('still here?', { channelId: 'dm-after-refusal' });
    gateway.dispatch('MESSAGE_CREATE', dm);
    await waitFor('the first bot still answers', () => postsTo('dm-after-refusal').length >= 1);

    expect((await requestJson(stack.baseUrl, channel, { method: 'PUT', body: { ...credentials, botToken: BOT_TOKEN } })).status).toBe(200);
    await services.gateways.sync();
    await waitFor('the second bot identified', () => gateway.readyClients() === 2);

    expect((await requestJson(stack.baseUrl, channel, { method: 'DELETE' })).status).toBe(204);
    await services.gateways.sync();
    await waitFor('the second bot disconnected', () => gateway.readyClients() === 1);
  });
});
