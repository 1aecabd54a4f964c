import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // What the model calls of the turn a reply answers used and cost: the totals to sum, and each
  // step (understand, summarise, reply, tool) with its model, for the breakdown by model.
  // `model_tokens` stays the total of both kinds, as before.
  await db.schema
    .alterTable('messages')
    .addColumn('prompt_tokens', 'integer')
    .addColumn('completion_tokens', 'integer')
    .addColumn('cost_usd', sql`numeric(16, 8)`)
    .addColumn('usage', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
  await db.schema.alterTable('reply_drafts').addColumn('usage', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reply_drafts').dropColumn('usage').execute();
  await db.schema.alterTable('messages').dropColumn('prompt_tokens').dropColumn('completion_tokens').dropColumn('cost_usd').dropColumn('usage').execute();
}
