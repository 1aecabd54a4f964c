import { createDiscordKeys } from '../fakes/webhook-signers';
import { type FakePlatformApi, startFakePlatformApi } from '../fakes/fake-platform-api';
import { registerTelegramWebhook } from '../../src/platforms/telegram-webhook';
import { type FakeTelegram, startFakeTelegram } from '../fakes/fake-telegram';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';

const BOT_TOKEN = '123456789:AAF-register-test';
const SECRET_TOKEN = 'register-secret_123';
const PUBLIC_URL = 'https://bots.example.com';

/** `POST /v1/bots/:botId/channels/:platform/register`, against the fake Bot API and the real stack. */
describe('registering webhooks', () => {
  let telegram: { stack: TestStack; fake: FakeTelegram };
  /** Stands in for Slack, Discord and Meta's APIs: registering on them must call nothing. */
  let elsewhere: FakePlatformApi;
  const discordKeys = createDiscordKeys();

  beforeAll(async () => {
    elsewhere = await startFakePlatformApi(() => ({ status: 500, json: { error: 'should not be called' } }));
    const fake = await startFakeTelegram({ botToken: BOT_TOKEN });
    const stack = await startTestStack({
      worker: false,
      env: {
        PUBLIC_URL,
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_SECRET_TOKEN: SECRET_TOKEN,
        TELEGRAM_API_BASE_URL: fake.baseUrl,
        SLACK_API_BASE_URL: elsewhere.baseUrl,
        DISCORD_API_BASE_URL: elsewhere.baseUrl,
        META_GRAPH_BASE_URL: elsewhere.baseUrl,
      },
    });
    telegram = { stack, fake };
  });
  afterAll(async () => {
    await telegram?.stack.close();
    await telegram?.fake.close();
    await elsewhere?.close();
  });

  const botId = () => telegram.stack.botId;
  const register = (platform: string, bot = botId(), admin = true) =>
    requestJson(telegram.stack.baseUrl, `/v1/bots/${bot}/channels/${platform}/register`, { method: 'POST', admin });
  const store = (platform: string, body: unknown) =>
    requestJson(telegram.stack.baseUrl, `/v1/bots/${botId()}/channels/${platform}`, { method: 'PUT', body });

  it('registers the Telegram webhook with its secret and the update kinds the bot reads, and answers what Telegram reports', async () => {
    const url = `${PUBLIC_URL}/webhooks/telegram/${botId()}`;
    const answer = await register('telegram');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({
      kind: 'registered',
      botId: botId(),
      platform: 'telegram',
      webhookUrl: url,
      report: { url, pendingUpdateCount: 0, allowedUpdates: ['message', 'edited_message', 'callback_query', 'message_reaction'] },
    });
    // What Telegram now holds: the secret comes back on every update, so the webhook accepts them.
    expect(telegram.fake.webhook()).toEqual({
      url,
      secretToken: SECRET_TOKEN,
      allowedUpdates: ['message', 'edited_message', 'callback_query', 'message_reaction'],
    });
    expect(telegram.fake.requests.map((r) => r.path)).toEqual([`/bot${BOT_TOKEN}/setWebhook`, `/bot${BOT_TOKEN}/getWebhookInfo`]);
  });

  it("shows Telegram's last delivery error, and registering again is safe", async () => {
    telegram.fake.failWebhookDeliveries('Wrong response from the webhook: 502 Bad Gateway', 3);
    const answer = await register('telegram');
    expect(answer.status).toBe(200);
    expect(answer.body.data.report).toMatchObject({
      pendingUpdateCount: 3,
      lastErrorMessage: 'Wrong response from the webhook: 502 Bad Gateway',
      lastErrorAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("answers 502 with Telegram's words and what to do when Telegram refuses a revoked token, and changes nothing", async () => {
    const before = telegram.fake.webhook();
    expect((await store('telegram', { botToken: '987654321:REVOKED', secretToken: 'another-secret' })).status).toBe(201);
    try {
      const answer = await register('telegram');
      expect(answer.status).toBe(502);
      expect(answer.body.error.code).toBe('platform_refused');
      expect(answer.body.error.message).toMatch(/Telegram refused setWebhook: Unauthorized/);
      expect(answer.body.error.message).toMatch(/@BotFather/);
      expect(telegram.fake.webhook()).toEqual(before);
    } finally {
      // Back to the environment's channel.
      expect((await requestJson(telegram.stack.baseUrl, `/v1/bots/${botId()}/channels/telegram`, { method: 'DELETE' })).status).toBe(204);
    }
  });

  it('answers the settings to paste for Slack, Messenger, WhatsApp and Discord, and calls none of them', async () => {
    await store('slack', { botToken: 'xoxb-1', signingSecret: 'slack-signing-secret' });
    await store('messenger', { pageAccessToken: 'EAAB-page', appSecret: 'messenger-app-secret', verifyToken: 'messenger-verify' });
    await store('whatsapp', { accessToken: 'EAAB-wa', phoneNumberId: '1055', appSecret: 'wa-app-secret', verifyToken: 'wa-verify' });
    await store('discord', { applicationId: '775799577604522054', publicKey: discordKeys.publicKeyHex, botToken: 'discord-bot-token' });
    const settingsOf = async (platform: string) => {
      const answer = await register(platform);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toMatchObject({ kind: 'console', botId: botId(), platform, webhookUrl: `${PUBLIC_URL}/webhooks/${platform}/${botId()}` });
      return Object.fromEntries(answer.body.data.settings.map((s: { name: string; value: string }) => [s.name, s.value]));
    };

    const slack = await settingsOf('slack');
    expect(slack['Event Subscriptions → Request URL']).toBe(`${PUBLIC_URL}/webhooks/slack/${botId()}`);
    expect(slack['Event Subscriptions → Subscribe to bot events']).toMatch(/^app_mention, message\.im/);
    expect(slack['OAuth & Permissions → Bot Token Scopes']).toMatch(/^app_mentions:read, chat:write, im:history/);

    expect(await settingsOf('messenger')).toEqual({
      'Callback URL': `${PUBLIC_URL}/webhooks/messenger/${botId()}`,
      'Verify token': 'messenger-verify',
      'Webhook fields to subscribe': 'messages, messaging_postbacks, message_edits, message_reactions',
    });
    expect(await settingsOf('whatsapp')).toEqual({
      'Callback URL': `${PUBLIC_URL}/webhooks/whatsapp/${botId()}`,
      'Verify token': 'wa-verify',
      'Webhook fields to subscribe': 'messages',
    });
    expect(await settingsOf('discord')).toEqual({
      'Interactions Endpoint URL': `${PUBLIC_URL}/webhooks/discord/${botId()}`,
      'Public Key (must match the stored one)': discordKeys.publicKeyHex,
    });

    expect(elsewhere.requests).toEqual([]);
  });

  it('answers 404 to an unknown platform, an unknown bot and a channel not stored, and 401 without a key', async () => {
    const unknownPlatform = await register('myspace');
    expect(unknownPlatform.status).toBe(404);
    expect(unknownPlatform.body.error.message).toMatch(/Unknown platform "myspace". Use one of: telegram, slack/);

    expect((await register('telegram', 'nobody')).status).toBe(404);

    await requestJson(telegram.stack.baseUrl, `/v1/bots/${botId()}/channels/slack`, { method: 'DELETE' });
    const missing = await register('slack');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      `Bot "${botId()}" has no slack channel: store its credentials first with PUT /v1/bots/${botId()}/channels/slack, then register.`,
    );

    expect((await register('telegram', botId(), false)).status).toBe(401);
  });
});

describe('registerTelegramWebhook', () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await startFakeTelegram({ botToken: BOT_TOKEN });
  });
  afterAll(() => fake?.close());
  const credentials = { botToken: BOT_TOKEN, secretToken: SECRET_TOKEN };

  it('says what to fix when Telegram refuses the URL, and Telegram keeps the webhook it had', async () => {
    const refused = registerTelegramWebhook({ webhookUrl: 'https://bots.example.com:3000/webhooks/telegram/b', credentials, baseUrl: fake.baseUrl });
    await expect(refused).rejects.toThrow(
      /^Telegram refused setWebhook: Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443\. .*fix PUBLIC_URL/,
    );
    expect(fake.webhook()).toEqual({ url: '' });
  });

  it('says Telegram could not be reached, and that trying again is safe', async () => {
    const unreachable = registerTelegramWebhook({ webhookUrl: 'https://bots.example.com/webhooks/telegram/b', credentials, baseUrl: 'http://127.0.0.1:9' });
    await expect(unreachable).rejects.toThrow(/^Telegram could not be reached for setWebhook .*Registering again is safe/);
  });
});
