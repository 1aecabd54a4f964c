import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The summary's counts and the replies it times need only these columns: with them in the index,
  // a month of a busy bot is read from the index alone, not from the much wider table rows.
  await sql`create index messages_bot_created_covering_idx on messages (bot_id, created_at)
    include (platform, direction, author, kind, model_tokens, conversation_id, seq)`.execute(db);
  await db.schema.dropIndex('messages_bot_created_idx').execute();
  // Time to reply finds, for each reply, the newest user message before it: one small index probe.
  await sql`create index messages_conversation_inbound_idx on messages (conversation_id, seq)
    include (created_at) where direction = 'inbound'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_conversation_inbound_idx').execute();
  await db.schema.createIndex('messages_bot_created_idx').on('messages').columns(['bot_id', 'created_at']).execute();
  await db.schema.dropIndex('messages_bot_created_covering_idx').execute();
}
