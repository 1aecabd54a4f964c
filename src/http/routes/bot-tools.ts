import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { BotDirectory } from '../../bots/bot-directory';
import { type BotToolRow, deleteBotTool, listBotTools } from '../../db/queries/bot-tools';
import type { Database } from '../../db/schema';
import { MAX_TOOLS_PER_BOT, toolDefinitionSchema } from '../../tools/tool-schema';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { addBotTool } from '../bot-tool-actions';
import { readJsonBody } from '../json-body';
import { requireBot } from '../message-acceptance';
import { errorResponses } from '../openapi/error-responses';
import { dataOf } from '../openapi/page';
import { serveRoute } from '../openapi/serve-route';

const TOOL_EXAMPLE = {
  name: 'order_status',
  description: "Looks up an order's status by its number.",
  parameters: { type: 'object', properties: { orderNumber: { type: 'string' } }, required: ['orderNumber'] },
  url: 'https://shop.example.com/tools/order-status',
  timeoutMs: 10_000,
};

const ToolSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    parameters: z.record(z.string(), z.unknown()).openapi({ description: 'A JSON Schema object for the arguments.' }),
    url: z.string().openapi({ format: 'uri' }),
    timeoutMs: z.number().int(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Tool', { example: { ...TOOL_EXAMPLE, createdAt: '2025-06-01T10:00:00.000Z' } });
type Tool = z.infer<typeof ToolSchema>;

const BotParamsSchema = z.object({ botId: z.string().openapi({ example: 'support' }) });
const ToolParamsSchema = BotParamsSchema.extend({ name: z.string().openapi({ example: 'order_status' }) });

function createToolRoute(allowHttp: boolean) {
  return createRoute({
    method: 'post',
    path: '/{botId}/tools',
    tags: ['tools'],
    summary: "Give a bot's model a tool",
    description:
      'The model may call it while it writes a reply. Each call is a POST of `{botId, conversationId, toolCallId, name, arguments}` to the URL, ' +
      'signed with the `secret` in this response (shown once): `X-Tool-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, ' +
      'with an `Idempotency-Key` that is the same on every retry. The answer (up to 16,000 characters) goes to the model; a 4xx is shown to it as an error; ' +
      'a 5xx, 429 or timeout is retried, three tries in all.',
    request: {
      params: BotParamsSchema,
      body: { required: true, content: { 'application/json': { schema: toolDefinitionSchema({ allowHttp }), example: TOOL_EXAMPLE } } },
    },
    responses: {
      201: {
        description: 'The tool, with its signing secret.',
        content: { 'application/json': { schema: dataOf(ToolSchema.extend({ secret: z.string() })), example: { data: { ...TOOL_EXAMPLE, secret: 'tlsec_…' } } } },
      },
      ...errorResponses({
        400: `Not valid JSON (\`invalid_json\`), or not a valid tool (\`validation_failed\`): a URL that is not HTTPS${allowHttp ? ' or HTTP' : ''}, parameters that are not a JSON Schema object, a bot with ${MAX_TOOLS_PER_BOT} tools already.`,
        404: 'No bot with this id.',
        409: 'The bot has a tool of this name: delete it first to replace it.',
        413: 'The body is over MAX_BODY_BYTES.',
        415: 'The body is not sent as JSON.',
      }),
    },
  });
}

const listToolsRoute = createRoute({
  method: 'get',
  path: '/{botId}/tools',
  tags: ['tools'],
  summary: "List a bot's tools",
  description: 'Never the secrets.',
  request: { params: BotParamsSchema },
  responses: {
    200: { description: 'The tools, by name.', content: { 'application/json': { schema: dataOf(z.array(ToolSchema)) } } },
    ...errorResponses({ 404: 'No bot with this id.' }),
  },
});

const deleteToolRoute = createRoute({
  method: 'delete',
  path: '/{botId}/tools/{name}',
  tags: ['tools'],
  summary: "Remove a bot's tool",
  description: 'Turns already running finish the calls they started; the next turn no longer offers it.',
  request: { params: ToolParamsSchema },
  responses: {
    204: { description: 'Removed.' },
    ...errorResponses({ 404: 'No bot with this id, or no tool of this name.' }),
  },
});

export interface BotToolRoutesDeps {
  db: Kysely<Database>;
  bots: BotDirectory;
  encryptionKey: Buffer;
  allowHttp: boolean;
}

/** `/v1/bots/:botId/tools`: the tools a bot's model may call. */
export function createBotToolRoutes({ db, bots, encryptionKey, allowHttp }: BotToolRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const definition = toolDefinitionSchema({ allowHttp });

  serveRoute(app, createToolRoute(allowHttp), async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const body = await readJsonBody(c, definition);
    const { row, secret } = await addBotTool({ db, encryptionKey }, bot.id, body);
    // The signing secret is shown once; it is stored sealed.
    return c.json({ data: { ...toToolView(row), secret } }, 201);
  });

  serveRoute(app, listToolsRoute, async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    return c.json({ data: (await listBotTools(db, bot.id)).map(toToolView) });
  });

  serveRoute(app, deleteToolRoute, async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const name = c.req.param('name');
    if (!(await deleteBotTool(db, { botId: bot.id, name }))) throw new AppError('not_found', `Bot "${bot.id}" has no tool named "${name}".`);
    return c.body(null, 204);
  });

  return app;
}

function toToolView(row: BotToolRow): Tool {
  return {
    name: row.name,
    description: row.description,
    parameters: row.parameters,
    url: row.url,
    timeoutMs: row.timeout_ms,
    createdAt: row.created_at.toISOString(),
  };
}
