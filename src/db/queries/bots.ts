import { type Kysely, type Selectable, sql } from 'kysely';
import type { BotSettings } from '../../conversations/bot-settings';
import type { BotsTable, Database } from '../schema';

/** A bot as the admin API shows it: its settings and when it was created and last changed. */
export interface BotRecord extends BotSettings {
  createdAt: Date;
  updatedAt: Date;
}

export type BotPatch = Partial<Omit<BotSettings, 'id'>>;

/** The bot's settings; `undefined` for an unknown or deleted bot. */
export async function findBot(db: Kysely<Database>, botId: string): Promise<BotSettings | undefined> {
  const row = await selectLiveBots(db).where('id', '=', botId).executeTakeFirst();
  return row && toBotSettings(row);
}

export async function findBotRecord(db: Kysely<Database>, botId: string): Promise<BotRecord | undefined> {
  const row = await selectLiveBots(db).where('id', '=', botId).executeTakeFirst();
  return row && toBotRecord(row);
}

/** A page of bots that are not deleted, by id. `after` is the last id of the previous page. */
export async function listBots(db: Kysely<Database>, args: { limit: number; after?: string; onlyIds?: string[] }): Promise<BotRecord[]> {
  let query = selectLiveBots(db);
  if (args.onlyIds) query = args.onlyIds.length > 0 ? query.where('id', 'in', args.onlyIds) : query.where(sql<boolean>`false`);
  if (args.after !== undefined) query = query.where('id', '>', args.after);
  const rows = await query.orderBy('id').limit(args.limit).execute();
  return rows.map(toBotRecord);
}

/**
 * Creates the bot; `undefined` when its id is taken. A deleted bot's id stays taken: its
 * conversations, messages and workflow ids still carry it, and a new bot must not inherit them.
 */
export async function insertBot(db: Kysely<Database>, bot: BotSettings): Promise<BotRecord | undefined> {
  const row = await db
    .insertInto('bots')
    .values(toBotColumns(bot))
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toBotRecord(row);
}

/** Changes the given fields of a bot; `undefined` for an unknown or deleted bot. */
export async function updateBot(db: Kysely<Database>, botId: string, patch: BotPatch): Promise<BotRecord | undefined> {
  const row = await db
    .updateTable('bots')
    .set({ ...toPatchColumns(patch), updated_at: sql`now()` })
    .where('id', '=', botId)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return row && toBotRecord(row);
}

/** Hides the bot for good; its row stays for its conversations. `false` when it was unknown or already deleted. */
export async function markBotDeleted(db: Kysely<Database>, botId: string): Promise<boolean> {
  const result = await db
    .updateTable('bots')
    .set({ deleted_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', botId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Workflow ids of the bot's conversations that have not ended, each once. */
export async function listUnendedConversationWorkflowIds(db: Kysely<Database>, botId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations')
    .select('workflow_id')
    .distinct()
    .where('bot_id', '=', botId)
    .where('status', '!=', 'ended')
    .execute();
  return rows.map((row) => row.workflow_id);
}

/** Creates the bot unless it exists. An existing bot keeps its edits: configuration seeds, it does not overwrite. */
export async function seedBot(db: Kysely<Database>, bot: BotSettings): Promise<void> {
  await db
    .insertInto('bots')
    .values(toBotColumns(bot))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

function selectLiveBots(db: Kysely<Database>) {
  return db.selectFrom('bots').selectAll().where('deleted_at', 'is', null);
}

function toBotColumns(bot: BotSettings) {
  return {
    id: bot.id,
    name: bot.name,
    system_prompt: bot.systemPrompt,
    model: bot.model,
    temperature: bot.temperature,
    max_reply_tokens: bot.maxReplyTokens,
    debounce_ms: bot.debounceMs,
    idle_timeout_ms: bot.idleTimeoutMs,
    fallback_reply: bot.fallbackReply,
    handoff_timeout_ms: bot.handoffTimeoutMs,
    handoff_pattern: bot.handoffPattern,
    moderation_policy: bot.moderationPolicy,
    context_token_budget: bot.contextTokenBudget,
    intents: JSON.stringify(bot.intents),
    max_tool_steps: bot.maxToolSteps,
    vision: bot.vision,
    transcription_model: bot.transcriptionModel,
    whatsapp_templates: JSON.stringify(bot.whatsappTemplates),
    offer_choices: bot.offerChoices,
    enabled: bot.enabled,
  };
}

function toPatchColumns(patch: BotPatch) {
  return {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.systemPrompt !== undefined && { system_prompt: patch.systemPrompt }),
    ...(patch.model !== undefined && { model: patch.model }),
    ...(patch.temperature !== undefined && { temperature: patch.temperature }),
    ...(patch.maxReplyTokens !== undefined && { max_reply_tokens: patch.maxReplyTokens }),
    ...(patch.debounceMs !== undefined && { debounce_ms: patch.debounceMs }),
    ...(patch.idleTimeoutMs !== undefined && { idle_timeout_ms: patch.idleTimeoutMs }),
    ...(patch.fallbackReply !== undefined && { fallback_reply: patch.fallbackReply }),
    ...(patch.handoffTimeoutMs !== undefined && { handoff_timeout_ms: patch.handoffTimeoutMs }),
    ...(patch.handoffPattern !== undefined && { handoff_pattern: patch.handoffPattern }),
    ...(patch.moderationPolicy !== undefined && { moderation_policy: patch.moderationPolicy }),
    ...(patch.contextTokenBudget !== undefined && { context_token_budget: patch.contextTokenBudget }),
    ...(patch.intents !== undefined && { intents: JSON.stringify(patch.intents) }),
    ...(patch.maxToolSteps !== undefined && { max_tool_steps: patch.maxToolSteps }),
    ...(patch.vision !== undefined && { vision: patch.vision }),
    ...(patch.transcriptionModel !== undefined && { transcription_model: patch.transcriptionModel }),
    ...(patch.offerChoices !== undefined && { offer_choices: patch.offerChoices }),
    ...(patch.whatsappTemplates !== undefined && { whatsapp_templates: JSON.stringify(patch.whatsappTemplates) }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled }),
  };
}

function toBotSettings(row: Selectable<BotsTable>): BotSettings {
  return {
    id: row.id,
    name: row.name,
    systemPrompt: row.system_prompt,
    model: row.model,
    temperature: row.temperature,
    maxReplyTokens: row.max_reply_tokens,
    debounceMs: row.debounce_ms,
    // bigint columns arrive as strings from pg.
    idleTimeoutMs: Number(row.idle_timeout_ms),
    fallbackReply: row.fallback_reply,
    handoffTimeoutMs: row.handoff_timeout_ms,
    handoffPattern: row.handoff_pattern,
    moderationPolicy: row.moderation_policy,
    contextTokenBudget: row.context_token_budget,
    intents: row.intents,
    maxToolSteps: row.max_tool_steps,
    vision: row.vision,
    transcriptionModel: row.transcription_model,
    whatsappTemplates: row.whatsapp_templates,
    offerChoices: row.offer_choices,
    enabled: row.enabled,
  };
}

function toBotRecord(row: Selectable<BotsTable>): BotRecord {
  return { ...toBotSettings(row), createdAt: row.created_at, updatedAt: row.updated_at };
}
