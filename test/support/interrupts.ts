/**
 * What `npm run bench` or `npm run chaos` must stop when interrupted (Ctrl-C, SIGTERM, a closed
 * terminal): the servers and child processes it started, which would otherwise outlive it and hold
 * their ports, CPU and temporary folders. Each registers its own stop; an interrupt runs them all,
 * then exits. Under jest nothing installs the handlers, so registering is harmless there.
 */
const stops = new Map<symbol, { name: string; stop: () => Promise<void> }>();
const GIVE_UP_MS = 30_000;
let installed = false;

/** Runs `stop` if the benchmark is interrupted; call the returned function once it stopped anyway. */
export function stopOnInterrupt(name: string, stop: () => Promise<void>): () => void {
  const key = Symbol(name);
  stops.set(key, { name, stop });
  return () => void stops.delete(key);
}

/** Installs the signal handlers; the benchmark and chaos entry points call this first. */
export function exitCleanlyOnInterrupt(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => void interrupted(signal));
  }
}

async function interrupted(signal: NodeJS.Signals): Promise<void> {
  const pending = [...stops.values()];
  process.stderr.write(`\n${signal}: stopping ${pending.map((p) => p.name).join(', ') || 'nothing'}…\n`);
  const giveUp = new Promise<void>((resolve) => setTimeout(resolve, GIVE_UP_MS).unref());
  await Promise.race([Promise.allSettled(pending.map((p) => p.stop())), giveUp]);
  // 128 + the signal's number, as a shell reports a process a signal ended.
  process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal as 'SIGHUP' | 'SIGINT' | 'SIGTERM']);
}
