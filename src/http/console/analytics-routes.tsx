import { Hono } from 'hono';
import { z } from 'zod';
import { BotIdSchema } from '../../bots/bot-id';
import { PLATFORMS } from '../../conversations/platform';
import { summarizeBotActivity } from '../../db/queries/analytics';
import { summarizeDailyActivity } from '../../db/queries/analytics-series';
import { listBots } from '../../db/queries/bots';
import { requireBotInScope, scopedBots } from '../bot-scope';
import type { ConsolePages } from './console-app';
import type { ConsoleEnv } from './console-env';
import { AnalyticsPage } from './pages/analytics-page';

const DAY_MS = 24 * 3600 * 1000;
/** The longest window the dashboard draws, in days. */
const MAX_DAYS = 366;

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const AnalyticsQuerySchema = z.object({
  bot: z.preprocess(blankAsUndefined, BotIdSchema.optional()),
  platform: z.preprocess(blankAsUndefined, z.enum(PLATFORMS).optional()),
  from: z.preprocess(blankAsUndefined, z.iso.date().optional()),
  to: z.preprocess(blankAsUndefined, z.iso.date().optional()),
});

/** `/console/analytics`: the dashboard, over the analytics summary and its per-day series. */
export function createAnalyticsPages({ db, pageContext }: ConsolePages) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', async (c) => {
    const parsed = AnalyticsQuerySchema.safeParse(c.req.query());
    const query = parsed.success ? parsed.data : {};
    const bots = (await listBots(db, { limit: 500, onlyIds: scopedBots(c) })).map((bot) => bot.id);
    const botId = query.bot ?? bots[0];
    if (query.bot) requireBotInScope(c, query.bot);
    const today = new Date().toISOString().slice(0, 10);
    const to = query.to ?? today;
    const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
    const view = { botId, platform: query.platform, from, to };
    const fromAt = new Date(`${from}T00:00:00Z`);
    const toAt = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
    const error = !parsed.success
      ? 'Choose a bot, a platform and two dates.'
      : fromAt >= toAt
        ? 'The first day must not be after the last.'
        : toAt.getTime() - fromAt.getTime() > MAX_DAYS * DAY_MS
          ? `Choose at most ${MAX_DAYS} days.`
          : undefined;
    if (!botId || error) return c.html(<AnalyticsPage page={pageContext(c)} view={view} bots={bots} platforms={PLATFORMS} days={[]} {...(error && { error })} />, error ? 400 : 200);
    const args = { botId, from: fromAt, to: toAt, ...(query.platform && { platform: query.platform }) };
    const [summary, days] = await Promise.all([summarizeBotActivity(db, args), summarizeDailyActivity(db, args)]);
    return c.html(<AnalyticsPage page={pageContext(c)} view={view} bots={bots} platforms={PLATFORMS} summary={summary} days={days} />);
  });
  return app;
}
