import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_SHUTDOWN_GRACE_MS } from '../../src/wiring';
import { stopOnInterrupt } from '../../test/support/interrupts';

const ROOT = join(__dirname, '..', '..');

/** A TypeScript entry point run as a child process (through tsx), with an IPC channel. */
export interface BenchChild {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Resolves with the first IPC message that `match` accepts. */
  nextMessage<T>(match: (message: any) => boolean, timeoutMs?: number): Promise<T>;
  /** The last lines it wrote, for error messages. */
  recentOutput(): string;
  stop(): Promise<void>;
}

export function spawnTsChild(name: string, entry: string, env: Record<string, string>): BenchChild {
  const child = spawn(process.execPath, [...cpuProfileArgs(), '--import', 'tsx', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const forget = stopOnInterrupt(name, () => handle.stop());

  const handle: BenchChild = {
    name,
    child,
    pid: child.pid!,
    nextMessage(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const onMessage = (message: unknown) => {
          if (!match(message)) return;
          cleanup();
          resolve(message as never);
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`${name} exited (code ${child.exitCode}) before it was ready:\n${output.join('')}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} sent nothing for ${timeoutMs / 1000} s:\n${output.join('')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    recentOutput: () => output.join(''),
    async stop() {
      process.off('exit', killOnExit);
      forget();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // Past the worker's own shutdown force time, so a draining worker is never cut short and
      // no turn waits out an activity timeout into the next measurement.
      const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_SHUTDOWN_GRACE_MS + 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return handle;
}

/**
 * With BENCH_CPU_PROFILE_DIR set, every child writes V8 CPU profiles there when it exits (one per
 * thread; the worker's workflow thread is the interesting one), for Chrome DevTools or speedscope.
 */
function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Resident memory of a process in MB, from /proc (Linux); undefined elsewhere. */
export function residentMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}
