import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Model tokens spent on a reply, for usage analytics.
  await db.schema.alterTable('messages').addColumn('model_tokens', 'integer').execute();
  await db.schema.alterTable('conversations').addColumn('handoff_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The analytics summary reads a bot's messages and conversations by time.
  await db.schema.createIndex('messages_bot_created_idx').on('messages').columns(['bot_id', 'created_at']).execute();
  await db.schema.createIndex('conversations_bot_started_idx').on('conversations').columns(['bot_id', 'started_at']).execute();
  await db.schema.createIndex('conversations_bot_ended_idx').on('conversations').columns(['bot_id', 'ended_at']).where(sql.ref('ended_at'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_bot_ended_idx').execute();
  await db.schema.dropIndex('conversations_bot_started_idx').execute();
  await db.schema.dropIndex('messages_bot_created_idx').execute();
  await db.schema.alterTable('conversations').dropColumn('handoff_count').execute();
  await db.schema.alterTable('messages').dropColumn('model_tokens').execute();
}
