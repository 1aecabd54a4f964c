import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // How many moderation verdicts flagged something in the turn a reply answers: the person's message,
  // the model's reply, or both. Analytics counts every flag this way, not only the refusals that the
  // `block` policy sends. Replies stored before it: a refusal stood for one flag.
  await db.schema.alterTable('messages').addColumn('moderation_flags', 'smallint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('reply_drafts').addColumn('moderation_flags', 'smallint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update messages set moderation_flags = 1 where kind = 'refusal'`.execute(db);
  // The summary's index-only scan reads the flags too.
  await sql`create index messages_bot_platform_created_flags_idx on messages (bot_id, platform, created_at)
    include (direction, kind, model_tokens, reply_wait_ms, moderation_flags)`.execute(db);
  await db.schema.dropIndex('messages_bot_platform_created_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index messages_bot_platform_created_idx on messages (bot_id, platform, created_at)
    include (direction, kind, model_tokens, reply_wait_ms)`.execute(db);
  await db.schema.dropIndex('messages_bot_platform_created_flags_idx').execute();
  await db.schema.alterTable('reply_drafts').dropColumn('moderation_flags').execute();
  await db.schema.alterTable('messages').dropColumn('moderation_flags').execute();
}
