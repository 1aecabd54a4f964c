import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { insertAuditEntry } from '../../db/queries/audit-log';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';

/** Writes every change made through the admin API to `audit_log`: who, what, when, and how it ended. */
export function auditTrail(db: Kysely<Database>) {
  return createMiddleware<AppEnv>(async function auditTrail(c, next) {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
    const actor = c.get('actor');
    if (!actor) return;
    try {
      await insertAuditEntry(db, {
        actor: `${actor.name} (${actor.id})`,
        action: `${c.req.method} ${c.req.path}`,
        status: c.res.status,
        requestId: c.get('requestId'),
      });
    } catch (error) {
      c.get('logger').error({ err: error }, 'Could not write the audit log');
    }
  });
}
