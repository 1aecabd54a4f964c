import { Hono } from 'hono';
import { z } from 'zod';
import { listAuditEntries } from '../../db/queries/audit-log';
import { AppError } from '../app-error';
import { scopedBots } from '../bot-scope';
import type { ConsolePages } from './console-app';
import type { ConsoleEnv } from './console-env';
import { requireRole } from './console-session';
import { AuditPage } from './pages/audit-page';

const PAGE_SIZE = 100;
const DAY_MS = 24 * 3600 * 1000;

const blankAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const AuditQuerySchema = z.object({
  actor: z.preprocess(blankAsUndefined, z.string().trim().max(200).optional()),
  action: z.preprocess(blankAsUndefined, z.string().trim().max(200).optional()),
  failed: z.literal('1').optional(),
  from: z.preprocess(blankAsUndefined, z.iso.date().optional()),
  to: z.preprocess(blankAsUndefined, z.iso.date().optional()),
  before: z.string().regex(/^\d+$/).optional(),
});

/** `/console/audit`: admins read the audit log. A key limited to some bots does not: the log spans every bot. */
export function createAuditPages({ db, pageContext }: ConsolePages) {
  const app = new Hono<ConsoleEnv>();
  app.get('/', async (c) => {
    requireRole(c, 'admin');
    if (scopedBots(c)) throw new AppError('forbidden', 'The audit log spans every bot; read it with a key for every bot.');
    const parsed = AuditQuerySchema.safeParse(c.req.query());
    const q = parsed.success ? parsed.data : {};
    const filters = {
      ...(q.actor && { actor: q.actor }),
      ...(q.action && { action: q.action }),
      failedOnly: q.failed === '1',
      ...(q.from && { from: new Date(`${q.from}T00:00:00Z`) }),
      ...(q.to && { to: new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS) }),
    };
    const rows = await listAuditEntries(db, { ...filters, limit: PAGE_SIZE + 1, ...(q.before && { before: q.before }) });
    const entries = rows.slice(0, PAGE_SIZE);
    const params = new URLSearchParams(Object.entries({ actor: q.actor, action: q.action, failed: q.failed, from: q.from, to: q.to }).filter((entry): entry is [string, string] => Boolean(entry[1])));
    const last = entries.at(-1);
    const nextUrl = rows.length > PAGE_SIZE && last ? `/console/audit?${new URLSearchParams([...params, ['before', last.id]])}` : undefined;
    const view = { actor: q.actor ?? '', action: q.action ?? '', failed: q.failed === '1', from: q.from ?? '', to: q.to ?? '' };
    return c.html(<AuditPage page={pageContext(c)} view={view} entries={entries} {...(nextUrl && { nextUrl })} />);
  });
  return app;
}
