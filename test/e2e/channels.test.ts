import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('channel credentials', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(() => stack?.close());

  const path = (platform = 'telegram') => `/v1/bots/${stack.botId}/channels/${platform}`;
  const telegram = { botToken: '123456:PLAINTEXT-BOT-TOKEN', secretToken: 'plaintext-secret-token' };

  it('stores credentials sealed, never echoes them, and replaces them on a second PUT', async () => {
    const created = await requestJson(stack.baseUrl, path(), { method: 'PUT', body: telegram });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({ botId: stack.botId, platform: 'telegram', webhookPath: `/webhooks/telegram/${stack.botId}` });
    expect(JSON.stringify(created.body)).not.toContain('PLAINTEXT');

    const rows = await stack.db.selectFrom('bot_channels').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toMatch(/PLAINTEXT|plaintext-secret/);

    const replaced = await requestJson(stack.baseUrl, path(), { method: 'PUT', body: { ...telegram, secretToken: 'another' } });
    expect(replaced.status).toBe(200);
    expect(await stack.db.selectFrom('bot_channels').selectAll().execute()).toHaveLength(1);
  });

  it('rejects bad bodies, unknown platforms and unknown bots, and needs the admin key', async () => {
    expect((await requestJson(stack.baseUrl, path(), { method: 'PUT', body: { botToken: 'x' } })).status).toBe(400);
    expect((await requestJson(stack.baseUrl, path('myspace'), { method: 'PUT', body: telegram })).status).toBe(404);
    expect((await requestJson(stack.baseUrl, '/v1/bots/nobody/channels/telegram', { method: 'PUT', body: telegram })).status).toBe(404);
    const anonymous = await requestJson(stack.baseUrl, path(), { method: 'PUT', body: telegram, admin: false });
    expect(anonymous.status).toBe(401);
  });

  it('removes a channel, after which its webhook answers 404', async () => {
    await requestJson(stack.baseUrl, path('slack'), { method: 'PUT', body: { botToken: 'xoxb-1', signingSecret: 's' } });
    expect((await requestJson(stack.baseUrl, path('slack'), { method: 'DELETE' })).status).toBe(204);
    expect((await requestJson(stack.baseUrl, path('slack'), { method: 'DELETE' })).status).toBe(404);
    const webhook = await requestJson(stack.baseUrl, `/webhooks/slack/${stack.botId}`, { body: {}, admin: false });
    expect(webhook.status).toBe(404);
    expect(webhook.body.error.message).toMatch(/PUT \/v1\/bots\/.*\/channels\/slack/);
  });
});
