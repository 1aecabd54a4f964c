import { postApiMessage } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';

/**
 * The model's circuit breaker in a real worker: it opens after the model keeps failing, and then a
 * turn answers with the fallback at once, without calling the model; nothing is lost meanwhile.
 */
describe('circuit breakers', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { CIRCUIT_BREAKER_FAILURES: '3', CIRCUIT_BREAKER_HALF_OPEN_SECONDS: '600' } });
  });
  afterAll(() => stack?.close());

  it('opens when the model keeps failing, answers with the fallback without calling it, and shows in /metrics and /health/ready', async () => {
    stack.fakeOpenAI.setDefault({ kind: 'server-error' });
    stack.fakeOpenAI.setClassification({ kind: 'server-error' });

    // Each turn's failing calls (the classification and the reply) count, until three in a row open it.
    let callsBefore = -1;
    const tookMs: number[] = [];
    for (let turn = 1; turn <= 4; turn++) {
      callsBefore = stack.fakeOpenAI.chatCalls().length + stack.fakeOpenAI.classifyCalls().length;
      const started = Date.now();
      const answer = await postApiMessage(stack, 'breaker', `m${turn}`, `are you there? (${turn})`, true);
      tookMs.push(Date.now() - started);
      expect(answer.body.reply).toMatchObject({ status: 'replied', kind: 'fallback' });
    }
    // By the last turn the open breaker answered: the model was not asked at all.
    expect(stack.fakeOpenAI.chatCalls().length + stack.fakeOpenAI.classifyCalls().length).toBe(callsBefore);
    expect(callsBefore).toBeGreaterThanOrEqual(3);
    // The first turn waited between its tries of the model (and opened the breaker); the next ones answered at once.
    expect(tookMs[0]).toBeGreaterThan(1_000);
    for (const ms of tookMs.slice(1)) expect(ms).toBeLessThan(1_000);

    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^chat_circuit_open\{dependency="model"\} 1$/m);
    const ready = await (await fetch(`${stack.baseUrl}/health/ready`)).json();
    expect(ready).toMatchObject({ status: 'ready', circuitBreakers: { model: 'open' } });
  });
});
