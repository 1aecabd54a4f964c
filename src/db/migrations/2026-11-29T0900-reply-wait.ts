import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // How long each bot reply kept the person waiting, stored with the reply (see insertOutboundMessage)
  // so the summary reads it rather than looking up, per reply, the message it answered.
  await db.schema.alterTable('messages').addColumn('reply_wait_ms', 'integer').execute();
  // Replies stored before this column existed, by the definition the summary used until now: from
  // the newest user message before the reply, by seq, in the same conversation, to the reply.
  await sql`
    update messages reply set reply_wait_ms = (
      select least(2147483647, round(extract(epoch from (reply.created_at - asked.created_at)) * 1000))::int
      from messages asked
      where asked.conversation_id = reply.conversation_id and asked.direction = 'inbound' and asked.seq < reply.seq
      order by asked.seq desc limit 1
    )
    where reply.direction = 'outbound' and reply.author = 'bot' and reply.kind in ('reply', 'fallback', 'refusal')
  `.execute(db);
  // The summary now needs only these columns; without the per-reply lookup it no longer needs
  // author, conversation_id and seq, nor the index of user messages by conversation.
  await sql`create index messages_bot_created_summary_idx on messages (bot_id, created_at)
    include (platform, direction, kind, model_tokens, reply_wait_ms)`.execute(db);
  await db.schema.dropIndex('messages_bot_created_covering_idx').execute();
  await db.schema.dropIndex('messages_conversation_inbound_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index messages_conversation_inbound_idx on messages (conversation_id, seq)
    include (created_at) where direction = 'inbound'`.execute(db);
  await sql`create index messages_bot_created_covering_idx on messages (bot_id, created_at)
    include (platform, direction, author, kind, model_tokens, conversation_id, seq)`.execute(db);
  await db.schema.dropIndex('messages_bot_created_summary_idx').execute();
  await db.schema.alterTable('messages').dropColumn('reply_wait_ms').execute();
}
