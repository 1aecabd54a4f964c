import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The choices a reply offered (buttons), kept with its draft so a retry offers the same ones.
  await db.schema.alterTable('reply_drafts').addColumn('choices', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
  await db.schema.alterTable('messages').addColumn('choices', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
  // A person's press: the id of the choice they pressed.
  await db.schema.alterTable('messages').addColumn('payload', 'text').execute();
  await db.schema.alterTable('bots').addColumn('offer_choices', 'boolean', (c) => c.notNull().defaultTo(false)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('bots').dropColumn('offer_choices').execute();
  await db.schema.alterTable('messages').dropColumn('payload').execute();
  await db.schema.alterTable('messages').dropColumn('choices').execute();
  await db.schema.alterTable('reply_drafts').dropColumn('choices').execute();
}
