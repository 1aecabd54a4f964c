import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../db/schema';

/**
 * Where request counts live. `null` when the store cannot answer: the limit then lets the request
 * through (fail open), so webhooks are still accepted while the database is away.
 */
export interface RateStore {
  increment(key: string, windowStart: number, windowMs: number): Promise<number | null>;
  peek(key: string, windowStart: number): Promise<number | null>;
}

/** A count that takes longer than this is let through: a slow or absent database never holds a webhook back. */
const STORE_TIMEOUT_MS = 250;

/** Counts in Postgres, shared by every API instance: one atomic upsert per counted request. */
export function createPostgresRateStore(db: Kysely<Database>, logger?: Pick<Logger, 'warn'>): RateStore {
  let warnedAt = 0;
  const failOpen = (error: unknown): null => {
    // Once a minute at most: an outage is one line, not one per request.
    if (Date.now() - warnedAt > 60_000) logger?.warn({ err: error }, 'Rate limits cannot be counted (the database does not answer): requests are let through');
    warnedAt = Date.now();
    return null;
  };
  return {
    async increment(key, windowStart, windowMs) {
      try {
        const { rows } = await inTime(
          sql<{ hits: number }>`
            insert into rate_limit_windows (key, window_start, hits) values (${key}, ${windowStart}, 1)
            on conflict (key, window_start) do update set hits = rate_limit_windows.hits + 1
            returning hits`.execute(db),
        );
        // Now and then, windows long past go.
        if (Math.random() < 0.01) void sql`delete from rate_limit_windows where window_start < ${windowStart - 2 * windowMs}`.execute(db).catch(() => undefined);
        return rows[0]?.hits ?? null;
      } catch (error) {
        return failOpen(error);
      }
    },
    async peek(key, windowStart) {
      try {
        const row = await inTime(db.selectFrom('rate_limit_windows').select('hits').where('key', '=', key).where('window_start', '=', String(windowStart)).executeTakeFirst());
        return row?.hits ?? 0;
      } catch (error) {
        return failOpen(error);
      }
    },
  };
}

/** Counts in this process only: for tests of the limit itself. */
export function createMemoryRateStore(): RateStore {
  const counts = new Map<string, number>();
  return {
    async increment(key, windowStart) {
      const id = `${key}@${windowStart}`;
      const hits = (counts.get(id) ?? 0) + 1;
      counts.set(id, hits);
      return hits;
    },
    async peek(key, windowStart) {
      return counts.get(`${key}@${windowStart}`) ?? 0;
    },
  };
}

function inTime<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
