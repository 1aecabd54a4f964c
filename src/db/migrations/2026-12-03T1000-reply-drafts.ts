import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A reply between being written and being recorded as sent: the turn's pipeline stores it before
  // its first part goes out, and counts the parts sent, so a retried turn (after a worker crash or
  // a platform outage) resumes where it stopped. It neither asks the model again nor sends a part
  // twice. Deleted when the reply is recorded in `messages`.
  await db.schema
    .createTable('reply_drafts')
    .addColumn('conversation_id', 'uuid', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('outbound_key', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('model_tokens', 'integer')
    .addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('delivery_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reply_drafts_pkey', ['conversation_id', 'outbound_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reply_drafts').execute();
}
