import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export async function insertAuditEntry(
  db: Kysely<Database>,
  entry: { actor: string; action: string; status: number; requestId: string | null },
): Promise<void> {
  await db.insertInto('audit_log').values({ actor: entry.actor, action: entry.action, status: entry.status, request_id: entry.requestId }).execute();
}
