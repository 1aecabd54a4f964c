import { telegramAnswers, type FakeTelegram } from '../fakes/fake-telegram';
import { telegramHeaders } from '../fakes/webhook-signers';
import { findFreePort } from '../support/free-port';
import { requestJson } from '../support/http';
import { scrape, sumOf } from '../support/prometheus-text';
import { startTelegramTestStack } from '../support/telegram-test-stack';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const BOT_TOKEN = '987654321:AAFakeTelegramToken_for-metrics';
const SECRET = 'telegram-secret_metrics';

describe('GET /metrics', () => {
  let stack: TestStack;
  let fake: FakeTelegram;

  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, fake, close } = await startTelegramTestStack({ botToken: BOT_TOKEN, secretToken: SECRET }));
  });
  afterAll(() => close?.());

  it('counts a webhook from acknowledgement to the reply, with the rate-limited attempt before it', async () => {
    const chatId = 4_242_001;
    fake.enqueue(telegramAnswers.tooManyRequests(1));
    const response = await fetch(`${stack.baseUrl}/webhooks/telegram/${stack.botId}`, {
      method: 'POST',
      headers: telegramHeaders(SECRET),
      body: JSON.stringify({
        update_id: 77_001,
        message: { message_id: 1, date: 1441645532, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'M' }, text: 'count me' },
      }),
    });
    expect(response.status).toBe(200);
    await waitFor('the reply', () => fake.sends(String(chatId)).length === 1);

    const bot = stack.botId;
    const samples = await waitFor('the outbound message counted', async () => {
      const current = await scrape(`${stack.baseUrl}/metrics`);
      return sumOf(current, 'chat_messages_total', { direction: 'outbound', platform: 'telegram', bot }) === 1 && current;
    });
    expect(sumOf(samples, 'chat_messages_total', { direction: 'inbound', platform: 'telegram', bot })).toBe(1);
    expect(sumOf(samples, 'chat_webhook_ack_duration_seconds_count', { platform: 'telegram', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'chat_http_requests_total', { method: 'POST', route: '/webhooks/:platform/:botId', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'chat_send_failures_total', { platform: 'telegram', class: 'rate_limited' })).toBe(1);
    expect(sumOf(samples, 'chat_model_request_duration_seconds_count', { operation: 'reply', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'chat_model_tokens_total', { kind: 'completion' })).toBeGreaterThan(0);
    expect(sumOf(samples, 'chat_active_conversations')).toBeGreaterThanOrEqual(1);
    // Route labels are patterns: ids never become series of their own.
    expect(samples.filter((s) => s.labels.route?.includes(bot))).toEqual([]);
  });

  it('rejects a bad metrics port setting with a clear line', async () => {
    const { loadConfig } = await import('../../src/config');
    expect(() => loadConfig({ METRICS_PORT: 'ninety' })).toThrow('METRICS_PORT: must be a port number or "off"');
  });
});

describe('a worker-only process', () => {
  let stack: TestStack;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await stack?.close();
  });

  it("serves its own metrics and the Temporal SDK's worker metrics", async () => {
    const [metricsPort, temporalMetricsPort] = [await findFreePort(), await findFreePort()];
    worker = await startWorkerProcess(stack, { env: { METRICS_PORT: String(metricsPort), TEMPORAL_METRICS_PORT: String(temporalMetricsPort) } });

    const sent = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/messages?wait=true`, {
      body: { chatId: 'metrics-chat', userId: 'u', messageId: 'metrics-1', text: 'measure me' },
    });
    expect(sent.body.reply).toMatchObject({ status: 'replied' });

    const app = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(sumOf(app, 'chat_messages_total', { direction: 'outbound', platform: 'api', bot: stack.botId })).toBe(1);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status).toBe(200);

    const sdk = await waitFor('the SDK to export activity metrics', async () => {
      const current = await scrape(`http://127.0.0.1:${temporalMetricsPort}/metrics`);
      return current.some((s) => s.name.startsWith('temporal_activity_execution_latency') && s.labels.activity_type === 'runTurn') && current;
    });
    expect(sdk.some((s) => s.name.startsWith('temporal_workflow_task'))).toBe(true);
  });
});
