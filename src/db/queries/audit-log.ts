import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export async function insertAuditEntry(
  db: Kysely<Database>,
  entry: { actor: string; action: string; status: number; requestId: string | null },
): Promise<void> {
  await db.insertInto('audit_log').values({ actor: entry.actor, action: entry.action, status: entry.status, request_id: entry.requestId }).execute();
}

export interface AuditFilters {
  /** Part of who acted (a key's name or id). */
  actor?: string;
  /** Part of what was done (`POST /v1/bots`, `POST /console/conversations/…/take`). */
  action?: string;
  /** Only refusals and failures (status 400 and above). */
  failedOnly?: boolean;
  from?: Date;
  to?: Date;
}

/** A page of the audit log, newest first; `before` is the last id of the previous page. */
export async function listAuditEntries(db: Kysely<Database>, args: AuditFilters & { limit: number; before?: string }) {
  const contains = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  let query = db.selectFrom('audit_log').selectAll();
  if (args.actor) query = query.where('actor', 'ilike', contains(args.actor));
  if (args.action) query = query.where('action', 'ilike', contains(args.action));
  if (args.failedOnly) query = query.where('status', '>=', 400);
  if (args.from) query = query.where('created_at', '>=', args.from);
  if (args.to) query = query.where('created_at', '<', args.to);
  if (args.before) query = query.where('id', '<', args.before);
  return query.orderBy('id', 'desc').limit(args.limit).execute();
}
