import { Latencies } from './histogram';
import { timedProgress } from './progress-bar';

/** What a closed-loop phase measured: the throughput a target sustains and its latency meanwhile. */
export interface ClosedLoopResult {
  concurrency: number;
  durationMs: number;
  completed: number;
  errors: number;
  perSecond: number;
  latencies: Latencies;
  firstError?: string;
}

/**
 * `concurrency` senders, each sending its next request as soon as the previous one is done, for
 * `durationMs`. `iteration` returns the latency it measured (for example, until a reply arrived).
 * Requests still running when the time is up are awaited but not counted.
 */
export async function runClosedLoop(args: {
  label: string;
  concurrency: number;
  durationMs: number;
  iteration: (sender: number) => Promise<number>;
}): Promise<ClosedLoopResult> {
  const { concurrency, durationMs, iteration } = args;
  const latencies = new Latencies();
  let completed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const endsAt = started + durationMs;
  const progress = timedProgress(args.label, durationMs, () => `${completed} done${errors ? `, ${errors} failed` : ''}`);
  const sender = async (id: number) => {
    while (performance.now() < endsAt) {
      try {
        const latency = await iteration(id);
        if (performance.now() > endsAt) break;
        latencies.record(latency);
        completed++;
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => sender(id)));
  progress.stop();
  return {
    concurrency,
    durationMs,
    completed,
    errors,
    perSecond: Math.round((completed / durationMs) * 1000 * 10) / 10,
    latencies,
    ...(firstError && { firstError }),
  };
}
