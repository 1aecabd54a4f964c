import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('system_prompt', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('temperature', 'real')
    .addColumn('max_reply_tokens', 'integer')
    .addColumn('debounce_ms', 'integer', (c) => c.notNull())
    .addColumn('idle_timeout_ms', 'bigint', (c) => c.notNull())
    .addColumn('fallback_reply', 'text', (c) => c.notNull())
    .addColumn('moderation_policy', 'text', (c) => c.notNull().defaultTo('block'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('bot_id', 'text', (c) => c.notNull().references('bots.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('chat_id', 'text', (c) => c.notNull())
    .addColumn('conversation_key', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('first_run_id', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_message_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .addColumn('end_reason', 'text')
    .addColumn('last_error', 'jsonb')
    .execute();
  await db.schema
    .createIndex('conversations_list_idx')
    .on('conversations')
    .columns(['bot_id', 'platform', 'status', 'started_at desc', 'id desc'])
    .execute();
  await db.schema.createIndex('conversations_started_idx').on('conversations').columns(['started_at desc', 'id desc']).execute();
  await db.schema.createIndex('conversations_key_idx').on('conversations').columns(['conversation_key', 'started_at desc']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('seq', 'bigint', (c) => c.notNull().unique().generatedAlwaysAsIdentity())
    .addColumn('conversation_id', 'uuid', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('bot_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('platform_message_id', 'text')
    .addColumn('outbound_key', 'text')
    .addColumn('user_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('received'))
    .addColumn('error', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('messages_direction_check', sql`direction in ('inbound', 'outbound')`)
    .execute();
  // A platform's retry of a message it already delivered can never become a second row.
  await db.schema
    .createIndex('messages_inbound_dedupe_idx')
    .on('messages')
    .columns(['bot_id', 'platform', 'platform_message_id'])
    .unique()
    .execute();
  // A retried send of the same reply can never become a second row.
  await db.schema
    .createIndex('messages_outbound_key_idx')
    .on('messages')
    .columns(['conversation_id', 'outbound_key'])
    .unique()
    .execute();
  await db.schema.createIndex('messages_conversation_seq_idx').on('messages').columns(['conversation_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('conversations').execute();
  await db.schema.dropTable('bots').execute();
}
