import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema';

export async function upsertChannel(
  db: Kysely<Database>,
  args: { botId: string; platform: string; sealedCredentials: string },
): Promise<{ created: boolean }> {
  const row = await db
    .insertInto('bot_channels')
    .values({ bot_id: args.botId, platform: args.platform, sealed_credentials: args.sealedCredentials })
    .onConflict((oc) =>
      oc.columns(['bot_id', 'platform']).doUpdateSet({ sealed_credentials: args.sealedCredentials, updated_at: sql`now()` }),
    )
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { created: row.created };
}

export async function deleteChannel(db: Kysely<Database>, args: { botId: string; platform: string }): Promise<boolean> {
  const result = await db
    .deleteFrom('bot_channels')
    .where('bot_id', '=', args.botId)
    .where('platform', '=', args.platform)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findSealedChannel(
  db: Kysely<Database>,
  args: { botId: string; platform: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('bot_channels')
    .select('sealed_credentials')
    .where('bot_id', '=', args.botId)
    .where('platform', '=', args.platform)
    .executeTakeFirst();
  return row?.sealed_credentials;
}

export async function listSealedChannels(db: Kysely<Database>, args: { platform: string }): Promise<Array<{ botId: string; sealed: string }>> {
  const rows = await db
    .selectFrom('bot_channels')
    .select(['bot_id', 'sealed_credentials'])
    .where('platform', '=', args.platform)
    .orderBy('bot_id')
    .execute();
  return rows.map((row) => ({ botId: row.bot_id, sealed: row.sealed_credentials }));
}
