import { telegramHeaders } from '../fakes/webhook-signers';
import type { FakeTelegram } from '../fakes/fake-telegram';
import { startTelegramTestStack } from '../support/telegram-test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** One grep for a request id follows a message from its webhook to the platform's send. */
describe('request id correlation', () => {
  const BOT_TOKEN = '123456789:AArequestTraceBotToken';
  const SECRET = 'request-trace-secret';
  let fake: FakeTelegram;
  let stack: TestStack;

  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, fake, close } = await startTelegramTestStack({ botToken: BOT_TOKEN, secretToken: SECRET, options: { captureLogs: true } }));
  });
  afterAll(() => close?.());

  it('carries the webhook request id into the workflow id line and every activity of the turn', async () => {
    const requestId = 'trace-7f3a91c2';
    const chatId = 5_550_001;
    const response = await fetch(`${stack.baseUrl}/webhooks/telegram/${stack.botId}`, {
      method: 'POST',
      headers: { ...telegramHeaders(SECRET), 'x-request-id': requestId },
      body: JSON.stringify({
        update_id: 91_001,
        message: { message_id: 7, date: 1441645532, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'T' }, text: 'follow me' },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    await waitFor('the reply', () => fake.sends(String(chatId)).length === 1);

    const traced = await waitFor('the reply activity logged', () => {
      const lines = stack.logs.filter((line) => line.includes(requestId)).map((line) => JSON.parse(line));
      return lines.some((l) => l.msg === 'Reply sent') && lines;
    });
    const accepted = traced.find((l) => l.msg === 'Message accepted');
    expect(accepted).toMatchObject({ requestId, workflowId: `conversation:${stack.botId}:telegram:${chatId}` });
    const activities = new Set(traced.filter((l) => l.requestIds?.includes(requestId)).map((l) => l.activityType));
    expect([...activities].sort()).toEqual(['beginTurn', 'runTurn']);
    // Every activity line that carries it also names the workflow: from there the Web UI shows the rest.
    for (const line of traced.filter((l) => l.activityType)) expect(line.workflowId).toBe(accepted.workflowId);
  });
});
