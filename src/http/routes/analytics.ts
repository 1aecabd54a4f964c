import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { summarizeBotActivity } from '../../db/queries/analytics';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readQuery } from '../json-body';

const SummaryQuerySchema = z.object({
  botId: z.string().min(1),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});

/** `GET /v1/analytics/summary?botId&from&to`: what one bot did in a time range. */
export function createAnalyticsRoutes({ db }: { db: Kysely<Database> }) {
  const app = new Hono<AppEnv>();
  app.get('/summary', async (c) => {
    const query = readQuery(c, SummaryQuerySchema);
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (from >= to) throw new AppError('validation_failed', '`from` must be before `to`.');
    const summary = await summarizeBotActivity(db, { botId: query.botId, from, to });
    return c.json({ data: { botId: query.botId, from: from.toISOString(), to: to.toISOString(), ...summary } });
  });
  return app;
}
