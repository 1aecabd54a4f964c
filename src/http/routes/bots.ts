import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { BotDirectory } from '../../bots/bot-directory';
import {
  type BotRecord,
  findBotRecord,
  insertBot,
  listBots,
  listUnendedConversationWorkflowIds,
  markBotDeleted,
  updateBot,
} from '../../db/queries/bots';
import type { Database } from '../../db/schema';
import { endConversationSignal } from '../../../workflows/definitions';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { decodeCursor, encodeCursor } from '../cursor';
import { readJsonBody, readQuery } from '../json-body';

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The same text as `DEFAULT_BOT_FALLBACK_REPLY`'s default. */
const DEFAULT_FALLBACK_REPLY = "Sorry, I can't answer right now. Please try again in a little while.";

/** How many conversations a deletion ends at a time. */
const END_CONCURRENCY = 20;

/** Every editable field, without defaults: `PATCH` takes any of them, `POST` adds defaults. */
const botFields = {
  name: z.string().trim().min(1).max(200),
  systemPrompt: z.string().trim().min(1).max(20_000),
  model: z.string().trim().min(1).max(200),
  /** `null`: the model's own default. */
  temperature: z.number().min(0).max(2).nullable(),
  /** `null`: the model's own limit. */
  maxReplyTokens: z.number().int().min(1).max(32_768).nullable(),
  debounceMs: z.number().int().min(0).max(60_000),
  idleTimeoutMs: z.number().int().min(1000).max(365 * DAY_MS),
  // The column is a 32-bit integer.
  handoffTimeoutMs: z.number().int().min(1000).max(7 * DAY_MS),
  /** `null`: the built-in rule. */
  handoffPattern: z.string().min(1).max(500).refine(isValidPattern, 'must be a valid regular expression').nullable(),
  moderationPolicy: z.enum(['off', 'flag', 'block']),
  fallbackReply: z.string().trim().min(1).max(4000),
  enabled: z.boolean(),
};

export const CreateBotSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-", at most 64'),
  name: botFields.name,
  systemPrompt: botFields.systemPrompt,
  model: botFields.model,
  temperature: botFields.temperature.default(null),
  maxReplyTokens: botFields.maxReplyTokens.default(null),
  debounceMs: botFields.debounceMs.default(800),
  idleTimeoutMs: botFields.idleTimeoutMs.default(DAY_MS),
  handoffTimeoutMs: botFields.handoffTimeoutMs.default(10 * 60 * 1000),
  handoffPattern: botFields.handoffPattern.default(null),
  moderationPolicy: botFields.moderationPolicy.default('block'),
  fallbackReply: botFields.fallbackReply.default(DEFAULT_FALLBACK_REPLY),
  enabled: botFields.enabled.default(true),
});
export type CreateBot = z.infer<typeof CreateBotSchema>;

export const UpdateBotSchema = z
  .strictObject(botFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'send at least one field to change');
export type UpdateBot = z.infer<typeof UpdateBotSchema>;

const ListQuerySchema = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const CursorSchema = z.object({ id: z.string() });

export interface BotRoutesDeps {
  db: Kysely<Database>;
  /** Forgotten on every change, so this process never answers from a stale entry. */
  bots: BotDirectory;
  temporal: Client;
}

/**
 * `/v1/bots` for admins: create, read, list, edit and delete bots. An edit reaches running
 * conversations at their next turn, because the workflow reads the bot at every turn.
 */
export function createBotRoutes({ db, bots, temporal }: BotRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const query = readQuery(c, ListQuerySchema);
    const after = query.cursor ? decodeCursor(query.cursor, CursorSchema).id : undefined;
    const rows = await listBots(db, { after, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null;
    return c.json({ data: page.map(toBotView), nextCursor });
  });

  app.get('/:botId', async (c) => {
    return c.json({ data: toBotView(await requireBotRecord(db, c.req.param('botId'))) });
  });

  app.post('/', async (c) => {
    const body = await readJsonBody(c, CreateBotSchema);
    const created = await insertBot(db, body);
    if (!created) throw new AppError('conflict', `The bot id "${body.id}" is taken. Ids of deleted bots are never reused.`);
    // This process may have cached "no such bot" for the id.
    bots.forget(created.id);
    return c.json({ data: toBotView(created) }, 201);
  });

  app.patch('/:botId', async (c) => {
    const botId = c.req.param('botId');
    const patch = await readJsonBody(c, UpdateBotSchema);
    const updated = await updateBot(db, botId, patch);
    if (!updated) throw notFound(botId);
    bots.forget(botId);
    return c.json({ data: toBotView(updated) });
  });

  app.delete('/:botId', async (c) => {
    const botId = c.req.param('botId');
    await requireBotRecord(db, botId);
    // Conversations end first: should this fail, the bot is still there and the call can be repeated.
    await endConversations(temporal, await listUnendedConversationWorkflowIds(db, botId));
    const deleted = await markBotDeleted(db, botId);
    bots.forget(botId);
    if (!deleted) throw notFound(botId);
    return c.body(null, 204);
  });

  return app;
}

/** Asks each conversation's workflow to end. A workflow that is no longer running has nothing to end. */
async function endConversations(temporal: Client, workflowIds: readonly string[]): Promise<void> {
  for (let start = 0; start < workflowIds.length; start += END_CONCURRENCY) {
    const batch = workflowIds.slice(start, start + END_CONCURRENCY);
    await Promise.all(
      batch.map(async (workflowId) => {
        try {
          await temporal.workflow.getHandle(workflowId).signal(endConversationSignal, { reason: 'bot deleted' });
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return;
          throw new AppError('temporal_unavailable', 'Could not end the bot\'s conversations, so the bot was not deleted. Retry shortly.');
        }
      }),
    );
  }
}

async function requireBotRecord(db: Kysely<Database>, botId: string): Promise<BotRecord> {
  const bot = await findBotRecord(db, botId);
  if (!bot) throw notFound(botId);
  return bot;
}

function notFound(botId: string): AppError {
  return new AppError('bot_not_found', `No bot with id "${botId}".`);
}

function toBotView(bot: BotRecord) {
  return {
    id: bot.id,
    name: bot.name,
    systemPrompt: bot.systemPrompt,
    model: bot.model,
    temperature: bot.temperature,
    maxReplyTokens: bot.maxReplyTokens,
    debounceMs: bot.debounceMs,
    idleTimeoutMs: bot.idleTimeoutMs,
    handoffTimeoutMs: bot.handoffTimeoutMs,
    handoffPattern: bot.handoffPattern,
    moderationPolicy: bot.moderationPolicy,
    fallbackReply: bot.fallbackReply,
    enabled: bot.enabled,
    createdAt: bot.createdAt.toISOString(),
    updatedAt: bot.updatedAt.toISOString(),
  };
}

function isValidPattern(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
