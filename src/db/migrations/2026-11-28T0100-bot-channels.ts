import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bot_channels')
    .addColumn('bot_id', 'text', (c) => c.notNull().references('bots.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    // AES-256-GCM sealed JSON: a dump of the database holds no plaintext token.
    .addColumn('sealed_credentials', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bot_channels_pk', ['bot_id', 'platform'])
    .execute();
  // The platform's ids of the parts of a reply, to find it again from a delivery status.
  await db.schema
    .alterTable('messages')
    .addColumn('delivery_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('delivery_ids').execute();
  await db.schema.dropTable('bot_channels').execute();
}
