import { Latencies } from './histogram';
import { timedProgress } from './progress-bar';

/** What a closed-loop phase measured: the throughput a target sustains and its latency meanwhile. */
export interface ClosedLoopResult {
  concurrency: number;
  durationMs: number;
  /** From the first send to the last reply of a request started within `durationMs`. */
  elapsedMs: number;
  completed: number;
  errors: number;
  perSecond: number;
  latencies: Latencies;
  firstError?: string;
}

/**
 * `concurrency` senders, each sending its next request as soon as the previous one is done,
 * starting new ones for `durationMs`. `iteration` returns the latency it measured (for example,
 * until a reply arrived). Requests started in time are awaited and counted, so a target slower
 * than the phase still yields figures; throughput is completions over the whole elapsed time.
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
        latencies.record(await iteration(id));
        completed++;
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, id) => sender(id)));
  const elapsedMs = performance.now() - started;
  progress.stop();
  return {
    concurrency,
    durationMs,
    elapsedMs: Math.round(elapsedMs),
    completed,
    errors,
    perSecond: Math.round((completed / elapsedMs) * 1000 * 10) / 10,
    latencies,
    ...(firstError && { firstError }),
  };
}
