import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A bot's intents: name, description, example phrases and action (`src/understanding/intents.ts`).
  await db.schema.alterTable('bots').addColumn('intents', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)).execute();
  // What the turn's pipeline understood of each inbound message, and who decided: the model or the local packages.
  await db.schema
    .alterTable('messages')
    .addColumn('sentiment', 'text')
    .addColumn('sentiment_score', 'real')
    .addColumn('intent', 'text')
    .addColumn('intent_confidence', 'real')
    .addColumn('language', 'text')
    .addColumn('understood_by', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('messages')
    .dropColumn('sentiment')
    .dropColumn('sentiment_score')
    .dropColumn('intent')
    .dropColumn('intent_confidence')
    .dropColumn('language')
    .dropColumn('understood_by')
    .execute();
  await db.schema.alterTable('bots').dropColumn('intents').execute();
}
