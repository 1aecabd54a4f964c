import type { Kysely, Selectable } from 'kysely';
import type { ToolSpec } from '../../tools/tool-definition';
import type { BotToolsTable, Database } from '../schema';

export type BotToolRow = Selectable<BotToolsTable>;

/** The bot's tools, by name. */
export async function listBotTools(db: Kysely<Database>, botId: string): Promise<BotToolRow[]> {
  return db.selectFrom('bot_tools').selectAll().where('bot_id', '=', botId).orderBy('name').execute();
}

export async function findBotTool(db: Kysely<Database>, args: { botId: string; name: string }): Promise<BotToolRow | undefined> {
  return db.selectFrom('bot_tools').selectAll().where('bot_id', '=', args.botId).where('name', '=', args.name).executeTakeFirst();
}

export async function countBotTools(db: Kysely<Database>, botId: string): Promise<number> {
  const row = await db.selectFrom('bot_tools').select((eb) => eb.fn.countAll<string>().as('count')).where('bot_id', '=', botId).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Stores a new tool; undefined when the bot already has one of this name. */
export async function insertBotTool(
  db: Kysely<Database>,
  tool: Omit<BotToolRow, 'created_at' | 'parameters'> & { parameters: Record<string, unknown> },
): Promise<BotToolRow | undefined> {
  return db
    .insertInto('bot_tools')
    .values({ ...tool, parameters: JSON.stringify(tool.parameters) })
    .onConflict((oc) => oc.columns(['bot_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function deleteBotTool(db: Kysely<Database>, args: { botId: string; name: string }): Promise<boolean> {
  const result = await db.deleteFrom('bot_tools').where('bot_id', '=', args.botId).where('name', '=', args.name).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** What the model and the turn read of a tool: no URL, no secret. */
export function toToolSpec(row: BotToolRow): ToolSpec {
  return { name: row.name, description: row.description, parameters: row.parameters, timeoutMs: row.timeout_ms };
}
