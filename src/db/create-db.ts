import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './schema';

export interface DbOptions {
  connectionString: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
}

export function createDb({ connectionString, maxConnections = 10 }: DbOptions): Kysely<Database> {
  const pool = new Pool({ connectionString, max: maxConnections, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its server (a database restart) emits 'error'; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Kysely<Database>, Pool>();

/** The pool's connections now, for `/metrics`: open, idle, and requests waiting for one. */
export function dbPoolStats(db: Kysely<Database>): { total: number; idle: number; waiting: number } {
  const pool = pools.get(db);
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : { total: 0, idle: 0, waiting: 0 };
}
