import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The most tokens of the bot's model a prompt may take: past it, the oldest turns fold into the
  // conversation's running summary.
  await db.schema.alterTable('bots').addColumn('context_token_budget', 'integer', (c) => c.notNull().defaultTo(4000)).execute();
  // That summary, as the turn's pipeline last wrote it; the workflow carries it too.
  await db.schema.alterTable('conversations').addColumn('summary', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('summary').execute();
  await db.schema.alterTable('bots').dropColumn('context_token_budget').execute();
}
