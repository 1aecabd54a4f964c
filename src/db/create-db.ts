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
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
