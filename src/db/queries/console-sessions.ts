import { type Kysely, type Selectable, sql } from 'kysely';
import type { Actor } from '../../auth/roles';
import type { ConsoleSessionsTable, Database } from '../schema';

export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;

/** Stores a new sign-in for `actor`, valid until `expiresAt`. */
export async function insertConsoleSession(
  db: Kysely<Database>,
  args: { tokenHash: string; csrfToken: string; actor: Actor; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({
      token_hash: args.tokenHash,
      csrf_token: args.csrfToken,
      key_id: args.actor.id,
      name: args.actor.name,
      role: args.actor.role,
      bot_ids: args.actor.bots ? JSON.stringify(args.actor.bots) : null,
      expires_at: args.expiresAt,
    })
    .execute();
}

/**
 * The live session with this token hash: not ended, not expired, and its key not revoked since
 * (a revoked key's sessions end with it). Expired rows are swept now and then by `sweepConsoleSessions`.
 */
export async function findLiveConsoleSession(db: Kysely<Database>, tokenHash: string): Promise<ConsoleSessionRow | undefined> {
  return db
    .selectFrom('console_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) =>
      eb.or([
        eb('key_id', '=', 'bootstrap'),
        eb.exists(eb.selectFrom('api_keys').select('id').where(sql<boolean>`api_keys.id::text = console_sessions.key_id`).where('revoked_at', 'is', null)),
      ]),
    )
    .executeTakeFirst();
}

export async function endConsoleSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.updateTable('console_sessions').set({ ended_at: sql`now()` }).where('token_hash', '=', tokenHash).where('ended_at', 'is', null).execute();
}

/** Forgets sessions that ended or expired over a day ago. */
export async function sweepConsoleSessions(db: Kysely<Database>): Promise<void> {
  await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now() - interval '1 day'`), eb('ended_at', '<', sql<Date>`now() - interval '1 day'`)]))
    .execute();
}
