import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { useApiKey } from '../db/queries/api-keys';
import type { Database } from '../db/schema';
import { hashApiKey } from './api-key-secrets';
import type { Actor } from './roles';

/**
 * Who an API key belongs to: the bootstrap ADMIN_API_KEY (compared in constant time) or a stored,
 * unrevoked key (by hash); undefined for any other. `/v1` and the console sign in with it.
 */
export async function identifyKey(db: Kysely<Database>, bootstrapAdminKey: string | undefined, offered: string): Promise<Actor | undefined> {
  if (bootstrapAdminKey && timingSafeEqual(digest(offered), digest(bootstrapAdminKey))) return { id: 'bootstrap', name: 'ADMIN_API_KEY', role: 'admin' };
  const key = await useApiKey(db, hashApiKey(offered));
  return key && { id: key.id, name: key.name, role: key.role, ...(key.bot_ids && { bots: key.bot_ids }) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
