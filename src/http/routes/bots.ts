import { scopedBots } from '../bot-scope';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { BotDirectory } from '../../bots/bot-directory';
import { isBotId } from '../../bots/bot-id';
import { BOT_SETTING_DEFAULTS, BotSettingsPatchSchema, BotSettingsSchema } from '../../bots/bot-settings-schema';
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
import { errorResponses } from '../openapi/error-responses';
import { dataOf, pageOf } from '../openapi/page';
import { BotIdParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

/** How many conversations a deletion ends at a time. */
const END_CONCURRENCY = 20;

export const CreateBotSchema = BotSettingsSchema;
export type CreateBot = z.infer<typeof CreateBotSchema>;

export const UpdateBotSchema = BotSettingsPatchSchema;
export type UpdateBot = z.infer<typeof UpdateBotSchema>;

const ListQuerySchema = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const CursorSchema = z.object({ id: z.string() });

const BOT_EXAMPLE = {
  id: 'support',
  name: 'Support',
  systemPrompt: 'You answer questions about orders, politely and briefly.',
  model: 'gpt-4o-mini',
  ...BOT_SETTING_DEFAULTS,
  createdAt: '2025-06-01T10:00:00.000Z',
  updatedAt: '2025-06-01T10:00:00.000Z',
} as const;

const BotSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    systemPrompt: z.string(),
    model: z.string(),
    temperature: z.number().nullable().openapi({ description: '`null`: the model\'s own default.' }),
    maxReplyTokens: z.number().int().nullable().openapi({ description: '`null`: the model\'s own limit.' }),
    debounceMs: z.number().int().openapi({ description: 'How long to wait for more messages before answering.' }),
    idleTimeoutMs: z.number().int().openapi({ description: 'A conversation this long without messages ends.' }),
    handoffTimeoutMs: z.number().int().openapi({ description: 'How long a requested human may take before the bot answers again.' }),
    handoffPattern: z.string().nullable().openapi({ description: 'When a person asks for a human (case-insensitive regular expression); `null`: the built-in rule.' }),
    moderationPolicy: z.enum(['off', 'flag', 'block']),
    fallbackReply: z.string().openapi({ description: 'Sent when the model cannot answer.' }),
    enabled: z.boolean(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    updatedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Bot', { example: BOT_EXAMPLE });
type Bot = z.infer<typeof BotSchema>;

const BODY_ERRORS = {
  413: 'The body is over MAX_BODY_BYTES.',
  415: 'The body is not sent as JSON.',
} as const;

const listBotsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['bots'],
  summary: 'List bots',
  description: 'In id order, a page at a time.',
  request: { query: ListQuerySchema },
  responses: {
    200: {
      description: 'A page of bots.',
      content: { 'application/json': { schema: pageOf(BotSchema), example: { data: [BOT_EXAMPLE], nextCursor: null } } },
    },
    ...errorResponses({ 400: 'An invalid `limit` or `cursor`.' }),
  },
});

const getBotRoute = createRoute({
  method: 'get',
  path: '/{botId}',
  tags: ['bots'],
  summary: 'Read a bot',
  request: { params: BotIdParamsSchema },
  responses: {
    200: { description: 'The bot.', content: { 'application/json': { schema: dataOf(BotSchema) } } },
    ...errorResponses({ 404: 'No bot with this id.' }),
  },
});

const createBotRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['bots'],
  summary: 'Create a bot',
  description: 'Only `id`, `name`, `systemPrompt` and `model` are required; the rest have defaults.',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: CreateBotSchema,
          example: { id: 'support', name: 'Support', systemPrompt: 'You answer questions about orders, politely and briefly.', model: 'gpt-4o-mini' },
        },
      },
    },
  },
  responses: {
    201: { description: 'The bot.', content: { 'application/json': { schema: dataOf(BotSchema) } } },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`) or not a valid bot (`validation_failed`).',
      409: 'The id is taken; ids of deleted bots are never reused.',
      ...BODY_ERRORS,
    }),
  },
});

const updateBotRoute = createRoute({
  method: 'patch',
  path: '/{botId}',
  tags: ['bots'],
  summary: 'Edit a bot',
  description: 'Send only the fields to change. Running conversations use the change from their next turn.',
  request: {
    params: BotIdParamsSchema,
    body: { required: true, content: { 'application/json': { schema: UpdateBotSchema, example: { temperature: 0.3, enabled: false } } } },
  },
  responses: {
    200: { description: 'The edited bot.', content: { 'application/json': { schema: dataOf(BotSchema) } } },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`), or changes nothing or something invalid (`validation_failed`).',
      404: 'No bot with this id.',
      ...BODY_ERRORS,
    }),
  },
});

const deleteBotRoute = createRoute({
  method: 'delete',
  path: '/{botId}',
  tags: ['bots'],
  summary: 'Delete a bot',
  description: 'Ends the bot\'s conversations first; its id is never reused.',
  request: { params: BotIdParamsSchema },
  responses: {
    204: { description: 'Deleted.' },
    ...errorResponses({
      404: 'No bot with this id.',
      503: 'Temporal could not end the bot\'s conversations, so the bot was kept; repeat the call shortly.',
    }),
  },
});

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
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, listBotsRoute, async (c) => {
    const query = readQuery(c, ListQuerySchema);
    const after = query.cursor ? decodeCursor(query.cursor, CursorSchema).id : undefined;
    const rows = await listBots(db, { after, limit: query.limit + 1, onlyIds: scopedBots(c) });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null;
    return c.json({ data: page.map(toBotView), nextCursor });
  });

  serveRoute(app, getBotRoute, async (c) => {
    return c.json({ data: toBotView(await requireBotRecord(db, c.req.param('botId'))) });
  });

  serveRoute(app, createBotRoute, async (c) => {
    const body = await readJsonBody(c, CreateBotSchema);
    const created = await insertBot(db, body);
    if (!created) throw new AppError('conflict', `The bot id "${body.id}" is taken. Ids of deleted bots are never reused.`);
    // This process may have cached "no such bot" for the id.
    bots.forget(created.id);
    return c.json({ data: toBotView(created) }, 201);
  });

  serveRoute(app, updateBotRoute, async (c) => {
    const botId = c.req.param('botId');
    const patch = await readJsonBody(c, UpdateBotSchema);
    const updated = await updateBot(db, botId, patch);
    if (!updated) throw notFound(botId);
    bots.forget(botId);
    return c.json({ data: toBotView(updated) });
  });

  serveRoute(app, deleteBotRoute, async (c) => {
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
  const bot = isBotId(botId) ? await findBotRecord(db, botId) : undefined;
  if (!bot) throw notFound(botId);
  return bot;
}

function notFound(botId: string): AppError {
  return new AppError('bot_not_found', `No bot with id "${botId}".`);
}

function toBotView(bot: BotRecord): Bot {
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
