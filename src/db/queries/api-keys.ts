import { type Kysely, type Selectable, sql } from 'kysely';
import type { Role } from '../../auth/roles';
import type { ApiKeysTable, Database } from '../schema';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertApiKey(
  db: Kysely<Database>,
  args: { name: string; role: Role; hash: string; prefix: string; createdBy: string; bots?: string[] },
): Promise<ApiKeyRow> {
  return db
    .insertInto('api_keys')
    .values({ name: args.name, role: args.role, key_hash: args.hash, key_prefix: args.prefix, created_by: args.createdBy, bot_ids: args.bots ? JSON.stringify(args.bots) : null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** How fresh `last_used_at` is kept: a busy key would otherwise write a row on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The key with this hash unless it was revoked; records that it was used, to the minute. */
export async function useApiKey(db: Kysely<Database>, hash: string): Promise<ApiKeyRow | undefined> {
  const key = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (key && (!key.last_used_at || Date.now() - key.last_used_at.getTime() > LAST_USED_RESOLUTION_MS)) {
    await db.updateTable('api_keys').set({ last_used_at: sql`now()` }).where('id', '=', key.id).execute();
  }
  return key;
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute();
}

export async function revokeApiKey(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
