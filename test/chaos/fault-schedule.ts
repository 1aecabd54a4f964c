import { setTimeout as sleep } from 'node:timers/promises';

/** When each fault of a chaos run happens, in ms from the start of the load. */
export interface FaultPlan {
  /** SIGKILL the worker this long after it started polling (a random time in the range), until `endMs`. */
  workerKillEveryMs: [min: number, max: number] | null;
  /** At most this many worker kills; Infinity for no limit. */
  maxWorkerKills: number;
  temporalRestartsAtMs: number[];
  /** SIGKILL an API process at these times (one after another, in turn). */
  apiKillsAtMs: number[];
  postgresOutages: Array<{ atMs: number; durationMs: number }>;
  /** When the last fault is over. The rate faults (model 429/500, platform 429) are not scheduled: they stay on. */
  endMs: number;
}

export interface FaultOptions {
  /** How long the load runs; the faults are placed inside it. */
  loadMs: number;
  workerKillEveryMs?: [number, number] | null;
  maxWorkerKills?: number;
  temporalRestarts?: number;
  postgresOutageMs?: number;
  /** API processes SIGKILLed during the load. Default none. */
  apiKills?: number;
}

/**
 * Places the faults over the load: the Temporal restarts in the first half, the Postgres outage
 * after them, so the two never overlap and each has traffic on both sides; worker kills throughout.
 */
export function planFaults(options: FaultOptions): FaultPlan {
  const { loadMs, temporalRestarts = 1, postgresOutageMs = 20_000 } = options;
  const temporalRestartsAtMs = Array.from({ length: temporalRestarts }, (_, i) => Math.round((loadMs * 0.4 * (i + 1)) / (temporalRestarts + 1)));
  const postgresOutages = postgresOutageMs > 0 ? [{ atMs: Math.round(loadMs * 0.45), durationMs: postgresOutageMs }] : [];
  // Spread over the load, off the Temporal restarts' and the outage's marks.
  const apiKills = options.apiKills ?? 0;
  const apiKillsAtMs = Array.from({ length: apiKills }, (_, i) => Math.round((loadMs * (0.25 + (0.6 * (i + 1)) / (apiKills + 1))) ));
  const lastOutageEnd = Math.max(0, ...postgresOutages.map((o) => o.atMs + o.durationMs));
  return {
    workerKillEveryMs: options.workerKillEveryMs === undefined ? [3_000, 8_000] : options.workerKillEveryMs,
    maxWorkerKills: options.maxWorkerKills ?? Infinity,
    temporalRestartsAtMs,
    apiKillsAtMs,
    postgresOutages,
    endMs: Math.max(loadMs, lastOutageEnd + 5_000),
  };
}

/** One fault as it happened, for the timeline and for explaining duplicates. */
export interface FaultEvent {
  kind: 'worker-kill' | 'api-kill' | 'temporal-down' | 'temporal-up' | 'postgres-down' | 'postgres-up';
  at: number;
  detail?: string;
}

export interface FaultActors {
  killWorker(): Promise<boolean>;
  /** SIGKILLs one API process (the next in turn); its supervisor starts it again. */
  killApi(): Promise<boolean>;
  waitForWorker(): Promise<void>;
  restartTemporal(): Promise<void>;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
}

/**
 * Runs the plan from now; resolves when the last fault is over, with every event in order.
 * `onEvent` sees each as it happens, for progress output.
 */
export async function runFaults(plan: FaultPlan, actors: FaultActors, onEvent: (event: FaultEvent) => void = () => undefined) {
  const startedAt = Date.now();
  const endAt = startedAt + plan.endMs;
  const events: FaultEvent[] = [];
  const record = (kind: FaultEvent['kind'], detail?: string) => {
    const event = { kind, at: Date.now(), ...(detail && { detail }) };
    events.push(event);
    onEvent(event);
  };
  const atOffset = (ms: number) => sleep(Math.max(0, startedAt + ms - Date.now()));
  const random = (min: number, max: number) => min + Math.random() * (max - min);

  const workerKills = (async () => {
    const range = plan.workerKillEveryMs;
    if (!range) return;
    for (let kills = 0; kills < plan.maxWorkerKills; kills++) {
      await actors.waitForWorker();
      const wait = random(range[0], range[1]);
      if (Date.now() + wait >= endAt) return;
      await sleep(wait);
      if (await actors.killWorker()) record('worker-kill');
    }
  })();

  const apiKills = (async () => {
    for (const at of plan.apiKillsAtMs) {
      await atOffset(at);
      if (await actors.killApi()) record('api-kill');
    }
  })();

  const temporalRestarts = (async () => {
    for (const at of plan.temporalRestartsAtMs) {
      await atOffset(at);
      record('temporal-down');
      await actors.restartTemporal();
      record('temporal-up');
    }
  })();

  const postgresOutages = (async () => {
    for (const outage of plan.postgresOutages) {
      await atOffset(outage.atMs);
      await actors.stopPostgres();
      record('postgres-down');
      await sleep(outage.durationMs);
      await actors.startPostgres();
      record('postgres-up');
    }
  })();

  await Promise.all([workerKills, apiKills, temporalRestarts, postgresOutages, atOffset(plan.endMs)]);
  return events;
}
