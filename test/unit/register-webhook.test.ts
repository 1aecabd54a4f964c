import { OpenAPIHono } from '@hono/zod-openapi';
import { defaultBotSettings } from '../../src/bots/default-bot';
import type { BotDirectory } from '../../src/bots/bot-directory';
import type { ChannelDirectory } from '../../src/channels/channel-directory';
import type { AppEnv } from '../../src/http/app-env';
import { handleError } from '../../src/http/middleware/error-handler';
import { createChannelRoutes } from '../../src/http/routes/channels';
import { MESSAGING_PLATFORM_MODULES } from '../../src/platforms/messaging-platforms';
import { webhookUrlFor } from '../../src/platforms/webhook-setup';

describe('webhookUrlFor', () => {
  const urlFor = (publicUrl: string | undefined) => webhookUrlFor({ publicUrl, platform: 'telegram', botId: 'support' });

  it('puts the webhook path under the public address, keeping a path prefix', () => {
    expect(urlFor('https://bots.example.com')).toEqual({ ok: true, url: 'https://bots.example.com/webhooks/telegram/support' });
    expect(urlFor('https://bots.example.com/')).toEqual({ ok: true, url: 'https://bots.example.com/webhooks/telegram/support' });
    expect(urlFor('https://example.com/chat/')).toEqual({ ok: true, url: 'https://example.com/chat/webhooks/telegram/support' });
    expect(urlFor('https://example.com:8443')).toEqual({ ok: true, url: 'https://example.com:8443/webhooks/telegram/support' });
  });

  it('says what to set when there is no public address, or it is not HTTPS', () => {
    expect(urlFor(undefined)).toEqual({ ok: false, problem: expect.stringMatching(/Set PUBLIC_URL to the HTTPS address telegram reaches/) });
    expect(urlFor('http://bots.example.com')).toEqual({ ok: false, problem: expect.stringMatching(/HTTPS only, and PUBLIC_URL is "http:\/\/bots.example.com"/) });
    expect(urlFor('not a url')).toEqual({ ok: false, problem: expect.stringMatching(/is not a URL/) });
  });
});

describe('POST /v1/bots/:botId/channels/:platform/register, without a usable public address', () => {
  const bot = defaultBotSettings({
    defaultBot: { id: 'support', name: 'Support', systemPrompt: 'Help.', model: 'gpt-4o-mini', debounceMs: 0, idleTimeoutMs: 60_000, fallbackReply: 'Sorry.', handoffTimeoutMs: 60_000 },
  });
  const bots: BotDirectory = { find: async (id) => (id === bot.id ? bot : undefined), forget: () => undefined, cachedBots: 1 };
  const channels: ChannelDirectory = {
    find: async (_botId, platform) => (platform === 'telegram' ? { botToken: '1:abc', secretToken: 'secret' } : undefined),
    save: async () => ({ created: true }),
    remove: async () => true,
    list: async () => [],
  };
  let telegramCalls = 0;
  const platformBaseUrls = { telegram: 'http://127.0.0.1:9', slack: '', discord: '', messenger: '', whatsapp: '' };
  const telegram = { ...MESSAGING_PLATFORM_MODULES.telegram, setUpWebhook: async () => { telegramCalls += 1; throw new Error('not reached'); } };

  function appWith(publicUrl: string | undefined) {
    const app = new OpenAPIHono<AppEnv>();
    app.onError(handleError());
    app.route('/', createChannelRoutes({ bots, channels, platforms: { ...MESSAGING_PLATFORM_MODULES, telegram }, publicUrl, platformBaseUrls }));
    return app;
  }

  it('answers 409 saying to set PUBLIC_URL, and calls nothing', async () => {
    const response = await appWith(undefined).request('/support/channels/telegram/register', { method: 'POST' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'conflict', message: expect.stringMatching(/^The server does not know its public address\. Set PUBLIC_URL/) } });
    expect(telegramCalls).toBe(0);
  });

  it('answers 409 to a plain-HTTP public address, since Telegram delivers to HTTPS only', async () => {
    const response = await appWith('http://bots.example.com').request('/support/channels/telegram/register', { method: 'POST' });
    expect(response.status).toBe(409);
    expect((await response.json()).error.message).toMatch(/telegram delivers webhooks over HTTPS only/);
    expect(telegramCalls).toBe(0);
  });

  it('checks the platform, the bot and the channel before the public address', async () => {
    const app = appWith(undefined);
    expect((await app.request('/support/channels/icq/register', { method: 'POST' })).status).toBe(404);
    expect((await app.request('/nobody/channels/telegram/register', { method: 'POST' })).status).toBe(404);
    const slack = await app.request('/support/channels/slack/register', { method: 'POST' });
    expect(slack.status).toBe(404);
    expect((await slack.json()).error.message).toMatch(/has no slack channel: store its credentials first/);
  });
});
