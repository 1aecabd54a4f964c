import { inOneRateWindow } from '../support/rate-windows';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('rate limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      worker: false,
      env: {
        RATE_LIMIT_API_PER_MINUTE: '5',
        RATE_LIMIT_WEBCHAT_VISITOR_PER_MINUTE: '3',
        RATE_LIMIT_WEBCHAT_IP_PER_MINUTE: '50',
        RATE_LIMIT_WEBHOOK_IP_PER_MINUTE: '4',
        RATE_LIMIT_CHAT_PAGE_IP_PER_MINUTE: '3',
      },
    });
  });
  afterAll(() => stack?.close());

  it('answers 429 with Retry-After once an API key has used its share, and other keys go on', async () => {
    await inOneRateWindow();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await requestJson(stack.baseUrl, '/v1/conversations')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await requestJson(stack.baseUrl, '/v1/conversations');
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('limits each web chat visitor on its own', async () => {
    await inOneRateWindow();
    const session = async () => (await requestJson(stack.baseUrl, `/webchat/${stack.botId}/sessions`, { body: {}, admin: false })).body.token as string;
    const send = (token: string, i: number) =>
      requestJson(stack.baseUrl, `/webchat/${stack.botId}/messages`, {
        body: { text: `message ${i}`, clientMessageId: `c-${i}` },
        headers: { authorization: `Bearer ${token}` },
        admin: false,
      });
    const chatty = await session();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(chatty, i)).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect((await send(await session(), 0)).status).toBe(202);
  });

  it('limits each address on the public webhook and chat page routes, unknown bots included', async () => {
    await inOneRateWindow();
    const webhookStatuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      webhookStatuses.push((await requestJson(stack.baseUrl, `/webhooks/telegram/no-such-bot-${i}`, { body: {}, admin: false })).status);
    }
    expect(webhookStatuses).toEqual([404, 404, 404, 404, 429]);
    const pageStatuses: number[] = [];
    for (let i = 0; i < 4; i++) pageStatuses.push((await fetch(`${stack.baseUrl}/chat/nobody-${i}`)).status);
    expect(pageStatuses).toEqual([404, 404, 404, 429]);
  });
});
