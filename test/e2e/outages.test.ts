import { chatMessages, postApiMessage, waitForReplies } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('when Temporal is unreachable', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ proxy: { temporal: true }, env: { TEMPORAL_ACCEPT_TIMEOUT_MS: '2000' } });
  });
  afterAll(() => stack?.close());

  it('answers 503, accepts nothing half-way, and takes the retry once Temporal is back', async () => {
    stack.proxies.temporal!.cut();
    const refused = await postApiMessage(stack, 'no-temporal', 'm1', 'are you there?');
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'temporal_unavailable' });
    expect(refused.body.error.message).toMatch(/Retry/);
    const ready = await requestJson(stack.baseUrl, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ database: { ok: true }, temporal: { ok: false } });

    stack.proxies.temporal!.restore();
    expect(await chatMessages(stack, 'no-temporal')).toEqual([]);
    // The sender retries with the same id, as platforms do after a 5xx, until it is accepted; the
    // client's connection may take a few seconds to come back.
    await waitFor(
      'Temporal to accept the retried message',
      async () => (await postApiMessage(stack, 'no-temporal', 'm1', 'are you there?')).status === 202,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await waitForReplies(stack, 'no-temporal', 1);
    await sleep(1_000);
    const rows = await chatMessages(stack, 'no-temporal');
    expect(rows.map((r) => r.text)).toEqual(['are you there?', 'echo: are you there?']);
  });
});

describe('when the database is unreachable', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ proxy: { database: true } });
  });
  afterAll(() => stack?.close());

  it('still accepts messages, and answers each once the database is back', async () => {
    // Warm the bot directory, as a running server would be.
    await postApiMessage(stack, 'warm-up', 'w1', 'warm up', true);
    stack.proxies.database!.cut();

    const accepted = await Promise.all(
      ['first', 'second'].map((text, i) => postApiMessage(stack, 'no-database', `m${i}`, text)),
    );
    expect(accepted.map((r) => r.status)).toEqual([202, 202]);
    expect((await requestJson(stack.baseUrl, '/health/ready')).status).toBe(503);
    await sleep(3_000);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(1);

    stack.proxies.database!.restore();
    // One turn or two, depending on whether the second message arrived before the first turn began.
    const answeredIn = (rows: Array<{ direction: string; text: string }>) =>
      rows.filter((r) => r.direction === 'outbound').flatMap((r) => r.text.replace('echo: ', '').split('\n'));
    const rows = await waitFor(
      'both messages answered',
      async () => {
        const current = await chatMessages(stack, 'no-database');
        return answeredIn(current).length >= 2 && current;
      },
      { timeoutMs: 45_000 },
    );
    await sleep(1_000);
    const final = await chatMessages(stack, 'no-database');
    expect(final.filter((r) => r.direction === 'inbound').map((r) => r.text).sort()).toEqual(['first', 'second']);
    expect(final.filter((r) => r.direction === 'outbound')).toHaveLength(rows.filter((r) => r.direction === 'outbound').length);
    expect(answeredIn(final).sort()).toEqual(['first', 'second']);
  });
});
