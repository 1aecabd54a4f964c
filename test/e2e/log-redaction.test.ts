import { telegramHeaders } from '../fakes/webhook-signers';
import { startFakeTelegram, type FakeTelegram } from '../fakes/fake-telegram';
import { postApiMessage, waitForReplies } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, TEST_ADMIN_KEY, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** Secrets reach the logs neither by mistake nor on purpose: redaction is configuration, not care. */
describe('log redaction', () => {
  const SECRETS = {
    telegramToken: '123456789:AAlogRedactionBotToken',
    telegramSecret: 'log-redaction-secret-token',
    slackToken: 'xoxb-log-redaction-token',
    slackSigningSecret: 'log-redaction-signing-secret',
  };
  let fake: FakeTelegram;
  let stack: TestStack;

  beforeAll(async () => {
    fake = await startFakeTelegram({ botToken: SECRETS.telegramToken });
    stack = await startTestStack({
      captureLogs: true,
      env: { TELEGRAM_BOT_TOKEN: SECRETS.telegramToken, TELEGRAM_SECRET_TOKEN: SECRETS.telegramSecret, TELEGRAM_API_BASE_URL: fake.baseUrl },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  it('writes no token, key or secret it was given into any log line', async () => {
    await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/channels/slack`, {
      method: 'PUT',
      body: { botToken: SECRETS.slackToken, signingSecret: SECRETS.slackSigningSecret },
    });
    const created = await requestJson(stack.baseUrl, '/v1/api-keys', { body: { name: 'logged?', role: 'viewer' } });
    const apiKey: string = created.body.data.key;
    await requestJson(stack.baseUrl, '/v1/conversations', { headers: { 'x-api-key': apiKey } });
    await postApiMessage(stack, 'logs', 'm1', 'hello', true);

    const update = { update_id: 77, message: { message_id: 1, date: 1, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'A' }, text: 'hi' } };
    const response = await fetch(`${stack.baseUrl}/webhooks/telegram/${stack.botId}`, {
      method: 'POST',
      headers: telegramHeaders(SECRETS.telegramSecret),
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(200);
    await waitFor('the Telegram reply', () => fake.requests.length > 0);
    await waitForReplies(stack, 'logs', 1);

    const logs = stack.logs.join('');
    expect(stack.logs.length).toBeGreaterThan(10);
    for (const secret of [...Object.values(SECRETS), apiKey, TEST_ADMIN_KEY, 'test-openai-key']) {
      expect([secret, logs.includes(secret)]).toEqual([secret, false]);
    }
  });
});
