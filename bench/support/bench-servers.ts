import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-database';
import { ensureTemporalCli } from '../../src/runtime/temporal-cli';
import { startTemporalDevServer } from '../../src/runtime/temporal-dev-server';
import { writeWorkflowBundle } from '../../src/temporal/write-workflow-bundle';
import { findFreePort } from '../../test/support/free-port';
import type { StackServers } from '../../test/support/test-stack';

/**
 * Real servers for a benchmark, started the way `npm start` starts them (the Temporal CLI dev
 * server and embedded PostgreSQL), in a temporary folder removed afterwards.
 */
export async function startBenchServers(logger: Logger): Promise<StackServers & { stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-orchestrator-bench-'));
  chmodSync(dir, 0o755);
  const cliPath = await ensureTemporalCli({
    configuredPath: process.env.TEMPORAL_CLI_PATH,
    projectRoot: resolve(__dirname, '..', '..'),
    onProgress: (line) => process.stderr.write(`[temporal-cli] ${line}\n`),
  });
  const [temporal, database] = await Promise.all([
    startTemporalDevServer({ cliPath, dataDir: dir, namespace: 'default', port: await findFreePort(), uiPort: await findFreePort(), logger }),
    startEmbeddedPostgres({ dataDir: dir, port: await findFreePort(), logger, databaseName: 'bench' }),
  ]);
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  await writeWorkflowBundle(workflowBundlePath);
  return {
    database: { url: database.connectionString, drop: async () => undefined },
    temporalAddress: temporal.address,
    workflowBundlePath,
    async stop() {
      await Promise.allSettled([temporal.stop(), database.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
