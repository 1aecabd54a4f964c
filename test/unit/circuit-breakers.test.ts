import type { Logger } from 'pino';
import { ApplicationFailure } from '@temporalio/common';
import { createMetrics } from '../../src/metrics/metrics';
import { createCircuitBreakers } from '../../src/resilience/circuit-breakers';
import { permanentFailure, rateLimitedFailure } from '../../src/temporal/failures';

const failing = () => Promise.reject(new Error('HTTP 503'));

describe('circuit breakers', () => {
  it('open after the consecutive failures, fail fast without calling, and close after a good trial call', async () => {
    const breakers = createCircuitBreakers({ settings: { failures: 3, halfOpenAfterMs: 100 } });
    for (let i = 0; i < 3; i++) await expect(breakers.run('telegram', failing)).rejects.toThrow('HTTP 503');
    expect(breakers.states()).toEqual({ telegram: 'open' });

    let called = 0;
    const open = await breakers.run('telegram', async () => ++called).catch((e: unknown) => e);
    expect(called).toBe(0);
    // A platform's open breaker says when to try again: Temporal's retry waits that long.
    expect(open).toBeInstanceOf(ApplicationFailure);
    expect(open).toMatchObject({ type: 'TelegramCircuitOpen', nonRetryable: false });
    expect((open as ApplicationFailure).nextRetryDelay).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await breakers.run('telegram', async () => 'sent')).toBe('sent');
    expect(breakers.states()).toEqual({ telegram: 'closed' });
  });

  it("answers the model's open breaker with a failure no retry waits for, and counts no refused request as the model being down", async () => {
    const breakers = createCircuitBreakers({ settings: { failures: 2, halfOpenAfterMs: 60_000 } });
    for (let i = 0; i < 5; i++) await breakers.run('model', () => Promise.reject(permanentFailure('400 bad request', 'ModelRequestRejected'))).catch(() => undefined);
    expect(breakers.states()).toEqual({ model: 'closed' });
    for (let i = 0; i < 2; i++) await breakers.run('model', failing).catch(() => undefined);
    await expect(breakers.run('model', async () => 'reply')).rejects.toMatchObject({ type: 'ModelCircuitOpen', nonRetryable: true });
    // Other dependencies have breakers of their own.
    expect(await breakers.run('slack', async () => 'ok')).toBe('ok');
  });

  it("leaves a platform's breaker closed through its rate limits, which the send's retry waits out, and opens the model's", async () => {
    const breakers = createCircuitBreakers({ settings: { failures: 2, halfOpenAfterMs: 60_000 } });
    const tooMany = () => Promise.reject(rateLimitedFailure('429 Too Many Requests: retry after 1', 1_000, 'TelegramRateLimited'));
    for (let i = 0; i < 5; i++) await breakers.run('telegram', tooMany).catch(() => undefined);
    expect(breakers.states()).toEqual({ telegram: 'closed' });
    for (let i = 0; i < 2; i++) await breakers.run('model', () => Promise.reject(rateLimitedFailure('429 rate limit', 20_000, 'ModelRateLimited'))).catch(() => undefined);
    expect(breakers.states()).toEqual({ telegram: 'closed', model: 'open' });
  });

  it('logs and measures each opening and closing', async () => {
    const lines: string[] = [];
    const write = (_: object, msg?: string) => void lines.push(msg ?? '');
    const logger = { warn: write, info: write } as unknown as Pick<Logger, 'warn' | 'info'>;
    const metrics = createMetrics();
    const breakers = createCircuitBreakers({ settings: { failures: 1, halfOpenAfterMs: 50 }, metrics, logger });
    await breakers.run('slack', failing).catch(() => undefined);
    expect(await metrics.registry.getSingleMetricAsString('chat_circuit_open')).toContain('chat_circuit_open{dependency="slack"} 1');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await breakers.run('slack', async () => 'ok');
    expect(await metrics.registry.getSingleMetricAsString('chat_circuit_open')).toContain('chat_circuit_open{dependency="slack"} 0');
    expect(lines).toEqual([expect.stringMatching(/slack opened/), expect.stringMatching(/slack half-open/), expect.stringMatching(/slack closed/)]);
  });
});
