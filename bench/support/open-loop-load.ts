import { Latencies } from './histogram';
import { progressBar } from './progress-bar';

/** What an open-loop phase measured. Latency counts from each request's planned start, not its actual one. */
export interface OpenLoopResult {
  rate: number;
  durationMs: number;
  planned: number;
  completed: number;
  errors: number;
  /** Requests not sent because `maxInFlight` were already waiting: the target could not keep up. */
  dropped: number;
  /** Requests still unanswered `graceMs` after the last was sent; counted as failed, not waited for. */
  timedOut: number;
  achievedPerSecond: number;
  latencies: Latencies;
  firstError?: string;
}

/**
 * Sends `send(i)` at a fixed rate for `durationMs`, whatever the target's latency (an open loop,
 * as real webhook traffic arrives). Latency is measured from the moment each request was due, so
 * a stalled sender or target shows as latency instead of hiding as a lower rate.
 */
export async function runOpenLoop(args: {
  label: string;
  rate: number;
  durationMs: number;
  send: (i: number) => Promise<void>;
  maxInFlight?: number;
  graceMs?: number;
}): Promise<OpenLoopResult> {
  const { rate, durationMs, send } = args;
  const maxInFlight = args.maxInFlight ?? 2_000;
  const planned = Math.max(1, Math.round((rate * durationMs) / 1000));
  const latencies = new Latencies();
  const bar = progressBar(args.label, planned);
  let next = 0;
  let inFlight = 0;
  let completed = 0;
  let errors = 0;
  let dropped = 0;
  let firstError: string | undefined;
  let finished = false;
  const started = performance.now();
  let settleAll!: () => void;
  const allSettled = new Promise<void>((resolve) => (settleAll = resolve));
  const maybeDone = () => {
    if (next >= planned && inFlight === 0) settleAll();
  };

  const fire = (i: number) => {
    const dueAt = started + (i * 1000) / rate;
    if (inFlight >= maxInFlight) {
      dropped++;
      return;
    }
    inFlight++;
    let settled = false;
    send(i).then(
      () => {
        if (finished) return;
        latencies.record(performance.now() - dueAt);
        completed++;
      },
      (error: unknown) => {
        if (finished) return;
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      },
    ).finally(() => {
      if (settled || finished) return;
      settled = true;
      inFlight--;
      bar.update(completed + errors + dropped, `in flight ${inFlight}${errors + dropped ? `, failed ${errors + dropped}` : ''}`);
      maybeDone();
    });
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(planned, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      while (next < due) fire(next++);
      if (next >= planned) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, started + (next * 1000) / rate - performance.now())));
    };
    tick();
  });
  maybeDone();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([allSettled, new Promise<void>((resolve) => (timer = setTimeout(resolve, args.graceMs ?? 15_000)))]);
  clearTimeout(timer);
  finished = true;
  const timedOut = inFlight;
  const elapsed = performance.now() - started;
  bar.finish();
  return {
    rate,
    durationMs,
    planned,
    completed,
    errors,
    dropped,
    timedOut,
    achievedPerSecond: Math.round((completed / elapsed) * 1000 * 10) / 10,
    latencies,
    ...(firstError && { firstError }),
  };
}
