import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createDb } from '../../src/db/create-db';
import { migrateToLatest } from '../../src/db/migrate';
import { startEmbeddedPostgres } from '../../src/runtime/embedded-database';
import { findFreePort } from '../../test/support/free-port';

/**
 * A fresh embedded PostgreSQL, migrated to the newest schema, in a temporary folder removed by
 * `stop()`. Only the database: for benchmarks that need neither Temporal nor the app.
 */
export async function startBenchDatabase(logger: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-orchestrator-bench-db-'));
  chmodSync(dir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir: dir, port: await findFreePort(), logger, databaseName: 'bench' });
  const db = createDb({ connectionString: database.connectionString, maxConnections: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return {
    url: database.connectionString,
    async stop() {
      await database.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
