import { type Kysely, sql } from 'kysely';

/** What the operator's console (`/console`) keeps: sign-ins, assignment, canned replies, notes, search. */
export async function up(db: Kysely<any>): Promise<void> {
  // A console sign-in (table made by 0220 with the actor in one column): the key's id apart, so
  // revoking the key ends its sessions, and an end time for sign-out. Sessions last hours, so the few
  // open ones end here and their holders sign in again.
  await db.deleteFrom('console_sessions').execute();
  await db.schema
    .alterTable('console_sessions')
    .dropColumn('actor')
    // The key signed in with (`bootstrap` for ADMIN_API_KEY).
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('bot_ids', 'jsonb')
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await db.schema.alterTable('console_sessions').addCheckConstraint('console_sessions_role_check', sql`role in ('admin', 'operator', 'viewer')`).execute();
  await db.schema.createIndex('console_sessions_expires_idx').on('console_sessions').column('expires_at').execute();

  // Who has the conversation (the key's id and name), and since when it waits for a human.
  await db.schema
    .alterTable('conversations')
    .addColumn('assigned_to', 'text')
    .addColumn('assigned_name', 'text')
    .addColumn('handoff_at', 'timestamptz')
    .execute();
  // The inbox: latest activity first.
  await sql`create index conversations_activity_idx on conversations ((coalesce(last_message_at, started_at)) desc, id desc)`.execute(db);
  await sql`create index conversations_handoff_idx on conversations (handoff_at) where status = 'handoff'`.execute(db);
  // "Waiting for a human" asks whether an operator wrote since the handoff: operators' messages are
  // few, so their own small index answers without reading the conversation's others.
  await sql`create index messages_agent_idx on messages (conversation_id, created_at) where author = 'agent'`.execute(db);

  // Search over what was written: `ilike '%words%'` through a trigram index.
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index messages_text_trgm_idx on messages using gin (text gin_trgm_ops)`.execute(db);

  // A status or assignment change wakes the console's live inbox, in the transaction that made it.
  await sql`
    create function announce_conversation_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('conversation_changes', json_build_object('conversationId', new.id, 'conversationKey', new.conversation_key)::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger conversations_announce_change after update of status, assigned_to on conversations
    for each row when (old.status is distinct from new.status or old.assigned_to is distinct from new.assigned_to)
    execute function announce_conversation_change()`.execute(db);

  await db.schema
    .createTable('canned_responses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('bot_id', 'text', (c) => c.notNull().references('bots.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('canned_responses_bot_title_key', ['bot_id', 'title'])
    .execute();

  // Operators' notes on a conversation: never sent to the person.
  await db.schema
    .createTable('conversation_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('conversation_id', 'uuid', (c) => c.notNull().references('conversations.id'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('conversation_notes_conversation_idx').on('conversation_notes').columns(['conversation_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('conversation_notes').execute();
  await db.schema.dropTable('canned_responses').execute();
  await sql`drop trigger conversations_announce_change on conversations`.execute(db);
  await sql`drop function announce_conversation_change()`.execute(db);
  await sql`drop index messages_text_trgm_idx`.execute(db);
  await sql`drop index messages_agent_idx`.execute(db);
  await sql`drop index conversations_handoff_idx`.execute(db);
  await sql`drop index conversations_activity_idx`.execute(db);
  await db.schema.alterTable('conversations').dropColumn('assigned_to').dropColumn('assigned_name').dropColumn('handoff_at').execute();
  await db.deleteFrom('console_sessions').execute();
  await db.schema.dropIndex('console_sessions_expires_idx').execute();
  await db.schema
    .alterTable('console_sessions')
    .dropConstraint('console_sessions_role_check')
    .execute();
  await db.schema
    .alterTable('console_sessions')
    .dropColumn('key_id')
    .dropColumn('name')
    .dropColumn('role')
    .dropColumn('bot_ids')
    .dropColumn('ended_at')
    .addColumn('actor', 'jsonb', (c) => c.notNull())
    .execute();
}
