import { setTimeout as sleep } from 'node:timers/promises';
import { stopOnInterrupt } from '../support/interrupts';
import { startApiProcess, startWorkerProcess, type WorkerProcess, type WorkerProcessOptions, type WorkerTarget } from '../support/worker-process';

/** One product process from start to end, for the verifier to tell which one sent what. */
export interface ProcessLife {
  role: 'worker' | 'api';
  pid: number;
  startedAt: number;
  /** When it was SIGKILLed, or exited on its own; undefined while it runs. */
  endedAt?: number;
  killed: boolean;
}

/** Kept for the verifier, which explains duplicates by the workers' lives. */
export type WorkerLife = ProcessLife;

/**
 * Keeps one real product process running (a worker, `src/main/worker.ts`, or an API,
 * `src/main/api.ts`): starts it, restarts it whenever it dies (a start fails while Temporal or
 * Postgres is down, so it keeps trying), and SIGKILLs it on request.
 */
export interface ProcessSupervisor {
  role: ProcessLife['role'];
  lives: ProcessLife[];
  /** Resolves once the process is ready (a worker polling, an API listening). */
  waitUntilReady(): Promise<void>;
  /** SIGKILLs the running process; the supervisor starts the next one. Returns false when none was running. */
  kill(): Promise<boolean>;
  /** Failed starts, with the reason. */
  failedStarts: string[];
  stop(): Promise<void>;
}

export function superviseWorker(target: WorkerTarget, options: WorkerProcessOptions = {}): ProcessSupervisor {
  return superviseProcess('worker', () => startWorkerProcess(target, { readyTimeoutMs: 120_000, ...options }));
}

/** An API process on a fixed port, so a restarted one is found where the load balancer sends webhooks. */
export function superviseApi(target: WorkerTarget, options: WorkerProcessOptions & { port: number }): ProcessSupervisor {
  return superviseProcess('api', () => startApiProcess(target, { readyTimeoutMs: 120_000, ...options }));
}

function superviseProcess(role: ProcessLife['role'], start: () => Promise<WorkerProcess>): ProcessSupervisor {
  const lives: ProcessLife[] = [];
  const failedStarts: string[] = [];
  let current: { process: WorkerProcess; life: ProcessLife } | undefined;
  let stopping = false;
  let readyWaiters: Array<() => void> = [];

  const loop = (async () => {
    while (!stopping) {
      let started: WorkerProcess;
      try {
        started = await start();
      } catch (error) {
        failedStarts.push(String(error instanceof Error ? error.message.split('\n')[0] : error));
        await sleep(1_000);
        continue;
      }
      if (stopping) {
        await started.kill('SIGKILL');
        break;
      }
      const life: ProcessLife = { role, pid: started.child.pid!, startedAt: Date.now(), killed: false };
      lives.push(life);
      current = { process: started, life };
      readyWaiters.forEach((resolve) => resolve());
      readyWaiters = [];
      await started.exited;
      life.endedAt ??= Date.now();
      current = undefined;
    }
  })();

  const forget = stopOnInterrupt(`the ${role}`, () => supervisor.stop());
  const supervisor: ProcessSupervisor = {
    role,
    lives,
    failedStarts,
    waitUntilReady: () => (current ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve))),
    async kill() {
      const running = current;
      if (!running) return false;
      running.life.killed = true;
      running.life.endedAt = Date.now();
      await running.process.kill('SIGKILL');
      return true;
    },
    async stop() {
      forget();
      stopping = true;
      readyWaiters.forEach((resolve) => resolve());
      await current?.process.kill('SIGKILL');
      await loop;
    },
  };
  return supervisor;
}
