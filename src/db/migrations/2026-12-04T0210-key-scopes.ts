import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The bots a key may see and act on; null: every bot.
  await db.schema.alterTable('api_keys').addColumn('bot_ids', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('bot_ids').execute();
}
