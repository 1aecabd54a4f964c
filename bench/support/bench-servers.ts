import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-database';
import { ensureTemporalCli } from '../../src/runtime/temporal-cli';
import { startTemporalDevServer } from '../../src/runtime/temporal-dev-server';
import { writeWorkflowBundles } from '../../src/temporal/workflow-bundle';
import { findFreePort } from '../../test/support/free-port';
import type { StackServers } from '../../test/support/test-stack';
import { stopOnInterrupt } from '../../test/support/interrupts';

export interface BenchServers extends StackServers {
  /** The Temporal dev server's process id, to read its memory from /proc. */
  temporalPid: number;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** A workflow bundle built earlier in the run; built here when absent. */
  workflowBundlePath?: string;
  /** Extra `--dynamic-config-value` pairs for the dev server, on top of the product's own. */
  dynamicConfig?: Record<string, unknown>;
}

/**
 * Real servers for a benchmark, started the way `npm start` starts them (the Temporal CLI dev
 * server and embedded PostgreSQL), in a temporary folder removed afterwards.
 */
export async function startBenchServers(logger: Logger, options: BenchServerOptions = {}): Promise<BenchServers> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-orchestrator-bench-'));
  chmodSync(dir, 0o755);
  const cliPath = await ensureTemporalCli({
    configuredPath: process.env.TEMPORAL_CLI_PATH,
    projectRoot: resolve(__dirname, '..', '..'),
    onProgress: (line) => process.stderr.write(`[temporal-cli] ${line}\n`),
  });
  // A wrapper that records the server's pid (exec keeps it) and adds the benchmark's settings.
  const pidFile = join(dir, 'temporal.pid');
  const wrapper = join(dir, 'temporal-wrapper.sh');
  const extraArgs = Object.entries(options.dynamicConfig ?? {})
    .map(([key, value]) => `--dynamic-config-value '${key}=${JSON.stringify(value)}'`)
    .join(' ');
  writeFileSync(wrapper, `#!/bin/sh\necho $$ > '${pidFile}'\nexec '${cliPath}' "$@" ${extraArgs}\n`, { mode: 0o755 });
  const [temporal, database] = await Promise.all([
    startTemporalDevServer({ cliPath: wrapper, dataDir: dir, namespace: 'default', port: await findFreePort(), uiPort: await findFreePort(), logger }),
    startEmbeddedPostgres({ dataDir: dir, port: await findFreePort(), logger, databaseName: 'bench' }),
  ]);
  const workflowBundlePath = options.workflowBundlePath ?? join(dir, 'workflow-bundle.js');
  if (!options.workflowBundlePath) await writeWorkflowBundles(workflowBundlePath);
  const stop = async () => {
    forget();
    await Promise.allSettled([temporal.stop(), database.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const forget = stopOnInterrupt('Temporal and PostgreSQL', stop);
  return {
    database: { url: database.connectionString, drop: async () => undefined },
    temporalAddress: temporal.address,
    workflowBundlePath,
    temporalPid: Number(readFileSync(pidFile, 'utf8').trim()),
    stop,
  };
}
