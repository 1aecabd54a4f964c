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
  // Everything the summary reads, so a month of a busy bot comes from the index alone. Platform
  // before time: the rows arrive grouped by platform, one range per platform (Postgres 18 skips from
  // one to the next), so counting them by platform and timing the replies needs no sort. Without the
  // per-reply lookup, author, conversation_id and seq are no longer needed, nor the index of user
  // messages by conversation (a new reply's one probe uses messages_conversation_seq_idx).
  await sql`create index messages_bot_platform_created_idx on messages (bot_id, platform, created_at)
    include (direction, kind, model_tokens, reply_wait_ms)`.execute(db);
  await db.schema.dropIndex('messages_bot_created_covering_idx').execute();
  await db.schema.dropIndex('messages_conversation_inbound_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index messages_conversation_inbound_idx on messages (conversation_id, seq)
    include (created_at) where direction = 'inbound'`.execute(db);
  await sql`create index messages_bot_created_covering_idx on messages (bot_id, created_at)
    include (platform, direction, author, kind, model_tokens, conversation_id, seq)`.execute(db);
  await db.schema.dropIndex('messages_bot_platform_created_idx').execute();
  await db.schema.alterTable('messages').dropColumn('reply_wait_ms').execute();
}
