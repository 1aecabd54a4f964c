import { type Kysely, sql } from 'kysely';
import type { Actor } from '../../auth/roles';
import type { Database } from '../schema';

export async function createConsoleSession(db: Kysely<Database>, session: { tokenHash: string; actor: Actor; csrfToken: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({ token_hash: session.tokenHash, actor: JSON.stringify(session.actor), csrf_token: session.csrfToken, expires_at: session.expiresAt })
    .execute();
  // Sessions long over go as new ones come.
  await db.deleteFrom('console_sessions').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).execute();
}

/** The session with this token hash, unless it has ended. */
export async function findConsoleSession(db: Kysely<Database>, tokenHash: string) {
  return db.selectFrom('console_sessions').select(['actor', 'csrf_token', 'expires_at']).where('token_hash', '=', tokenHash).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
}

export async function deleteConsoleSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('token_hash', '=', tokenHash).execute();
}
