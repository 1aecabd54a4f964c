import { setTimeout as sleep } from 'node:timers/promises';

export interface FixedRateLoadOptions {
  /** Requests started per second, whatever the responses do (open loop). */
  ratePerSecond: number;
  durationMs: number;
  /**
   * Sends request `index`, due at `dueAt` (a `performance.now()` time). Measure latency from
   * `dueAt`, not from when it was actually sent, so a generator that falls behind shows up in
   * the latencies instead of hiding them (coordinated omission).
   */
  send: (index: number, dueAt: number) => Promise<void>;
  /** Called about once a second while the load runs. */
  onSecond?: (elapsedMs: number, started: number) => void;
}

export interface FixedRateLoadResult {
  started: number;
  /** From the first request due to the last one sent. */
  sendPhaseMs: number;
  /** From the first request due to the last response. */
  elapsedMs: number;
  /** How late each request was sent after it was due, in ms: the generator's own lag. */
  sendLagMs: number[];
}

/**
 * Open-loop load: request i is due at `i / ratePerSecond` seconds and is sent then, without
 * waiting for earlier responses, as independent clients would. Resolves once every response is in.
 */
export async function runFixedRateLoad({ ratePerSecond, durationMs, send, onSecond }: FixedRateLoadOptions): Promise<FixedRateLoadResult> {
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const intervalMs = 1000 / ratePerSecond;
  const inFlight = new Set<Promise<void>>();
  const sendLagMs: number[] = [];
  const begin = performance.now();
  let next = 0;
  let nextReport = begin + 1000;
  while (next < total) {
    const now = performance.now();
    while (next < total && begin + next * intervalMs <= now) {
      const dueAt = begin + next * intervalMs;
      sendLagMs.push(now - dueAt);
      const request: Promise<void> = send(next, dueAt).finally(() => inFlight.delete(request));
      inFlight.add(request);
      next++;
    }
    if (now >= nextReport) {
      onSecond?.(now - begin, next);
      nextReport += 1000;
    }
    await sleep(Math.max(0, begin + next * intervalMs - performance.now()));
  }
  const sendPhaseMs = performance.now() - begin;
  await Promise.all(inFlight);
  return { started: next, sendPhaseMs, elapsedMs: performance.now() - begin, sendLagMs };
}
