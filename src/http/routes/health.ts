import type { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';

export interface HealthRoutesDeps {
  db: Kysely<Database>;
  temporal: Client;
  /** How long each dependency may take to answer. Default 2 s. */
  checkTimeoutMs?: number;
}

/** Liveness says the process runs; readiness says it can do its job, and which dependency cannot. */
export function createHealthRoutes({ db, temporal, checkTimeoutMs = 2_000 }: HealthRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.get('/live', (c) => c.json({ status: 'ok' }));

  app.get('/ready', async (c) => {
    const [database, temporalCheck] = await Promise.all([
      check(checkTimeoutMs, () => sql`select 1`.execute(db)),
      check(checkTimeoutMs, () =>
        temporal.withDeadline(Date.now() + checkTimeoutMs, () => temporal.workflowService.getSystemInfo({})),
      ),
    ]);
    const ready = database.ok && temporalCheck.ok;
    return c.json({ status: ready ? 'ready' : 'not_ready', checks: { database, temporal: temporalCheck } }, ready ? 200 : 503);
  });

  return app;
}

async function check(timeoutMs: number, probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
