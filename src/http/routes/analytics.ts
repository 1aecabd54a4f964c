import { requireBotInScope } from '../bot-scope';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { BotIdSchema } from '../../bots/bot-id';
import { type AnalyticsSummary, summarizeBotActivity } from '../../db/queries/analytics';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readQuery } from '../json-body';
import { errorResponses } from '../openapi/error-responses';
import { dataOf } from '../openapi/page';
import { serveRoute } from '../openapi/serve-route';

/** A timestamp with its offset, or a plain UTC date: `2026-12-01` is that day's first instant. */
const instant = (description: string) =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'must be a date (2026-12-01) or a timestamp (2026-12-01T09:30:00Z)' })
    .openapi({ description, example: '2026-12-01' });

const SummaryQuerySchema = z.object({
  botId: BotIdSchema,
  from: instant('Start of the range, included.'),
  to: instant('End of the range, excluded: `from=2026-12-01&to=2026-12-02` is the whole of 1 December (UTC).'),
});

const SummarySchema = z
  .object({
    botId: z.string(),
    from: z.string().openapi({ format: 'date-time' }),
    to: z.string().openapi({ format: 'date-time' }),
    conversations: z.object({ started: z.number().int(), ended: z.number().int(), handoffs: z.number().int() }),
    messages: z.array(z.object({ platform: z.string(), in: z.number().int(), out: z.number().int() })),
    timeToReplyMs: z.object({ median: z.number().nullable(), p95: z.number().nullable() }),
    moderationFlags: z.number().int().describe('Moderation verdicts that flagged something: people\'s messages and the model\'s replies, refused or not (under the `flag` policy nothing is refused).'),
    modelTokens: z.number().int().describe('Prompt and completion tokens together, over every model call of the turns.'),
    models: z
      .array(z.object({ model: z.string(), promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: z.number().nullable() }))
      .describe('Tokens and cost by model (classifying, summarising and replying), the costliest first; a null cost is a model without a price (`MODEL_PRICES`).'),
    costUsd: z.number().nullable().describe('US dollars over every model with a price; null when none had one.'),
    understanding: z
      .object({
        sentiment: z.object({ negative: z.number().int(), neutral: z.number().int(), positive: z.number().int() }),
        intents: z.array(z.object({ intent: z.string(), messages: z.number().int() })),
        languages: z.array(z.object({ language: z.string(), messages: z.number().int() })),
      })
      .describe("People's messages by sentiment, and the ten most frequent intents (`other`: none of the bot's) and languages (`und`: could not be told)."),
  })
  .openapi('AnalyticsSummary', {
    example: {
      botId: 'support',
      from: '2025-06-01T00:00:00.000Z',
      to: '2025-06-02T00:00:00.000Z',
      conversations: { started: 120, ended: 98, handoffs: 4 },
      messages: [
        { platform: 'telegram', in: 410, out: 415 },
        { platform: 'webchat', in: 96, out: 97 },
      ],
      timeToReplyMs: { median: 1830, p95: 4210 },
      moderationFlags: 2,
      modelTokens: 182_450,
      models: [{ model: 'gpt-4o-mini-2024-07-18', promptTokens: 171_300, completionTokens: 11_150, costUsd: 0.032385 }],
      costUsd: 0.032385,
      understanding: {
        sentiment: { negative: 31, neutral: 402, positive: 73 },
        intents: [
          { intent: 'other', messages: 455 },
          { intent: 'order_status', messages: 47 },
          { intent: 'human', messages: 4 },
        ],
        languages: [
          { language: 'en', messages: 380 },
          { language: 'es', messages: 126 },
        ],
      },
    },
  });
type Summary = z.infer<typeof SummarySchema>;

const summaryRoute = createRoute({
  method: 'get',
  path: '/summary',
  tags: ['analytics'],
  summary: 'What one bot did in a time range',
  description: "Conversations started and ended, messages in and out by platform, time to reply, handoffs, moderation flags, model tokens, and the sentiment, intents and languages of people's messages, in `[from, to)`.",
  request: { query: SummaryQuerySchema },
  responses: {
    200: { description: 'The summary.', content: { 'application/json': { schema: dataOf(SummarySchema) } } },
    ...errorResponses({ 400: 'A missing or invalid parameter, or `from` not before `to`.' }),
  },
});

/** `GET /v1/analytics/summary?botId&from&to`: what one bot did in a time range. */
export function createAnalyticsRoutes({ db }: { db: Kysely<Database> }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, summaryRoute, async (c) => {
    const query = readQuery(c, SummaryQuerySchema);
    requireBotInScope(c, query.botId);
    const from = parseInstant(query.from);
    const to = parseInstant(query.to);
    if (from >= to) throw new AppError('validation_failed', '`from` must be before `to`.');
    const summary: AnalyticsSummary = await summarizeBotActivity(db, { botId: query.botId, from, to });
    const data: Summary = { botId: query.botId, from: from.toISOString(), to: to.toISOString(), ...summary };
    return c.json({ data });
  });
  return app;
}

function parseInstant(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}
