import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The console's per-day series reads each message's cost too: with it in the covering index, a
  // window of days is still one index-only scan. It replaces the index it extends.
  await sql`create index messages_bot_platform_created_cost_idx on messages (bot_id, platform, created_at)
    include (direction, kind, model_tokens, reply_wait_ms, moderation_flags, cost_usd)`.execute(db);
  await sql`drop index messages_bot_platform_created_flags_idx`.execute(db);
  // Time to the first human reply: conversations by when they were handed over.
  await sql`create index conversations_bot_handoff_idx on conversations (bot_id, handoff_at) where handoff_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index conversations_bot_handoff_idx`.execute(db);
  await sql`create index messages_bot_platform_created_flags_idx on messages (bot_id, platform, created_at)
    include (direction, kind, model_tokens, reply_wait_ms, moderation_flags)`.execute(db);
  await sql`drop index messages_bot_platform_created_cost_idx`.execute(db);
}
