import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // How the platform names an inbound message in its edits and reactions (Telegram: chat and
  // message id, which differ from the update id the message is deduplicated by).
  await db.schema.alterTable('messages').addColumn('native_id', 'text').execute();
  await db.schema.createIndex('messages_native_id_idx').on('messages').columns(['bot_id', 'platform', 'native_id']).where(sql.ref('native_id'), 'is not', null).execute();
  // Edits keep the texts they replaced; a delete erases them all and marks the row.
  await db.schema.alterTable('messages').addColumn('previous_texts', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
  await db.schema.alterTable('messages').addColumn('edited_at', 'timestamptz').execute();
  await db.schema.alterTable('messages').addColumn('deleted_at', 'timestamptz').execute();
  await db.schema.alterTable('messages').addColumn('reactions', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['reactions', 'deleted_at', 'edited_at', 'previous_texts']) await db.schema.alterTable('messages').dropColumn(column).execute();
  await db.schema.dropIndex('messages_native_id_idx').execute();
  await db.schema.alterTable('messages').dropColumn('native_id').execute();
}
