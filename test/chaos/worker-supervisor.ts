import { setTimeout as sleep } from 'node:timers/promises';
import { stopOnInterrupt } from '../support/interrupts';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions, type WorkerTarget } from '../support/worker-process';

/** One worker process from start to end, for the verifier to tell which one sent what. */
export interface WorkerLife {
  pid: number;
  startedAt: number;
  /** When it was SIGKILLed, or exited on its own; undefined while it runs. */
  endedAt?: number;
  killed: boolean;
}

/**
 * Keeps one real worker process (`src/main/worker.ts`) running: starts it, restarts it whenever it
 * dies (a start fails while Temporal is down, so it keeps trying), and SIGKILLs it on request.
 */
export interface WorkerSupervisor {
  lives: WorkerLife[];
  /** Resolves once a worker is polling. */
  waitUntilPolling(): Promise<void>;
  /** SIGKILLs the running worker; the supervisor starts the next one. Returns false when none was running. */
  kill(): Promise<boolean>;
  /** Failed starts, with the reason. */
  failedStarts: string[];
  stop(): Promise<void>;
}

export function superviseWorker(target: WorkerTarget, options: WorkerProcessOptions = {}): WorkerSupervisor {
  const lives: WorkerLife[] = [];
  const failedStarts: string[] = [];
  let current: { process: WorkerProcess; life: WorkerLife } | undefined;
  let stopping = false;
  let pollingWaiters: Array<() => void> = [];

  const loop = (async () => {
    while (!stopping) {
      let started: WorkerProcess;
      try {
        started = await startWorkerProcess(target, { readyTimeoutMs: 120_000, ...options });
      } catch (error) {
        failedStarts.push(String(error instanceof Error ? error.message.split('\n')[0] : error));
        await sleep(1_000);
        continue;
      }
      if (stopping) {
        await started.kill('SIGKILL');
        break;
      }
      const life: WorkerLife = { pid: started.child.pid!, startedAt: Date.now(), killed: false };
      lives.push(life);
      current = { process: started, life };
      pollingWaiters.forEach((resolve) => resolve());
      pollingWaiters = [];
      await started.exited;
      life.endedAt ??= Date.now();
      current = undefined;
    }
  })();

  const forget = stopOnInterrupt('the worker', () => supervisor.stop());
  const supervisor: WorkerSupervisor = {
    lives,
    failedStarts,
    waitUntilPolling: () => (current ? Promise.resolve() : new Promise((resolve) => pollingWaiters.push(resolve))),
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
      pollingWaiters.forEach((resolve) => resolve());
      await current?.process.kill('SIGKILL');
      await loop;
    },
  };
  return supervisor;
}
