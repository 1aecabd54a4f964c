import { type FakeTelegram, startFakeTelegram, telegramAnswers } from '../fakes/fake-telegram';
import { telegramHeaders } from '../fakes/webhook-signers';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const BOT_TOKEN = '123456789:AABreakerTelegramToken_for-tests';
const SECRET = 'breaker-secret_token';
const HALF_OPEN_MS = 4_000;

/**
 * A platform's circuit breaker in a real worker: Telegram keeps failing, the breaker opens, and a
 * reply to another chat waits for the breaker instead of trying on its own; when Telegram answers
 * again, every reply goes out once and the breaker closes. Nothing is lost.
 */
describe("a platform's circuit breaker", () => {
  let stack: TestStack;
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await startFakeTelegram({ botToken: BOT_TOKEN });
    stack = await startTestStack({
      captureLogs: true,
      env: {
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_SECRET_TOKEN: SECRET,
        TELEGRAM_API_BASE_URL: fake.baseUrl,
        CIRCUIT_BREAKER_FAILURES: '3',
        CIRCUIT_BREAKER_HALF_OPEN_SECONDS: String(HALF_OPEN_MS / 1000),
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await fake?.close();
  });

  let updateId = 50_000;
  const post = (chatId: number, text: string) =>
    fetch(`${stack.baseUrl}/webhooks/telegram/${stack.botId}`, {
      method: 'POST',
      headers: telegramHeaders(SECRET),
      body: JSON.stringify({
        update_id: updateId++,
        message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Ada' }, from: { id: chatId, is_bot: false, first_name: 'Ada' }, text },
      }),
    }).then((r) => r.status);
  const metricLine = async () => /^chat_circuit_open\{dependency="telegram"\} (\d)$/m.exec(await (await fetch(`${stack.baseUrl}/metrics`)).text())?.[1];
  const breakerState = async () => ((await (await fetch(`${stack.baseUrl}/health/ready`)).json()) as { circuitBreakers?: Record<string, string> }).circuitBreakers?.telegram;

  it('opens after repeated failures, holds other sends until it half-opens, then delivers each reply once and closes', async () => {
    const [first, second] = [7_001, 7_002];
    fake.enqueue(telegramAnswers.badGateway(), telegramAnswers.badGateway(), telegramAnswers.badGateway());
    expect(await post(first, 'is the shop open?')).toBe(200);

    // Three failed sends in a row open it.
    await waitFor('three failed sends', () => fake.sendAttempts(String(first)).length >= 3, { timeoutMs: 20_000 });
    const openedAt = fake.sendAttempts(String(first))[2]!.at;
    await waitFor('the breaker open in /metrics', async () => (await metricLine()) === '1', { timeoutMs: 5_000 });
    expect(await breakerState()).toBe('open');

    // Another chat's reply waits for the breaker: it is not tried while the breaker is open.
    expect(await post(second, 'hello?')).toBe(200);
    await waitFor('both replies sent', () => fake.sends(String(first)).length === 1 && fake.sends(String(second)).length === 1, { timeoutMs: 20_000 });
    expect(fake.sendAttempts(String(second)).map((a) => a.status)).toEqual([200]);
    expect(fake.sendAttempts(String(second))[0]!.at - openedAt).toBeGreaterThanOrEqual(HALF_OPEN_MS - 500);
    expect(fake.sendAttempts(String(first)).map((a) => a.status)).toEqual([502, 502, 502, 200]);

    await waitFor('the breaker closed in /metrics', async () => (await metricLine()) === '0', { timeoutMs: 5_000 });
    expect(await breakerState()).toBe('closed');
    const logged = stack.logs.map((line) => JSON.parse(line) as { msg: string; dependency?: string }).filter((l) => l.dependency === 'telegram').map((l) => l.msg);
    expect(logged).toEqual(expect.arrayContaining([expect.stringMatching(/^Circuit breaker for telegram opened/), expect.stringMatching(/^Circuit breaker for telegram closed/)]));

    // One reply per message, and nothing more goes out later.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([fake.sends(String(first)).length, fake.sends(String(second)).length]).toEqual([1, 1]);
  });
});
