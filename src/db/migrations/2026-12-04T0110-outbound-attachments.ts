import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The files a reply carries, kept with its draft so a retried turn sends the same ones, once each.
  await db.schema.alterTable('reply_drafts').addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reply_drafts').dropColumn('attachments').execute();
}
