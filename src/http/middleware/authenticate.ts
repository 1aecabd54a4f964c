import type { Context } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { hashApiKey } from '../../auth/api-key-secrets';
import { useApiKey } from '../../db/queries/api-keys';
import type { Database } from '../../db/schema';
import type { Actor } from '../../auth/roles';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { bearerToken } from '../bearer-token';
import type { RateCounter } from './rate-limit';

/**
 * Who is calling: `Authorization: Bearer <key>` or `X-API-Key: <key>`, checked against the bootstrap
 * ADMIN_API_KEY (constant time) and the stored keys (by hash; a revoked key fails at once). Wrong
 * keys are counted per address, so nobody can guess keys at the speed of the network.
 */
export function authenticate({
  db,
  bootstrapAdminKey,
  failures,
  clientAddress,
}: {
  db: Kysely<Database>;
  /** Who is asking: the peer, or the client a trusted proxy names. */
  clientAddress: (c: Context<AppEnv>) => string | undefined;
  bootstrapAdminKey: string | undefined;
  /** Failed attempts per IP address: past the limit, that address is refused (429) until the window ends. */
  failures: RateCounter;
}) {
  const bootstrap = bootstrapAdminKey ? digest(bootstrapAdminKey) : undefined;
  return createMiddleware<AppEnv>(async function authenticate(c, next) {
    const address = clientAddress(c) ?? 'unknown';
    await failures.check(c, address);
    const refuse = async (message: string): Promise<never> => {
      await failures.hit(c, address);
      throw new AppError('unauthorized', message);
    };
    const offered = bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key');
    if (!offered) {
      return refuse('Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".');
    }
    const actor = await findActorByKey({ db, bootstrap }, offered);
    if (!actor) {
      const hint = bootstrap ? 'Ask an admin for a key (POST /v1/api-keys).' : 'Set ADMIN_API_KEY and restart to bootstrap an admin.';
      return refuse(`The API key is unknown or revoked. ${hint}`);
    }
    c.set('actor', actor);
    return next();
  });
}

/**
 * Who holds this key: the bootstrap admin (compared in constant time with the digest of
 * ADMIN_API_KEY) or a stored key that was not revoked. Also the console's sign-in.
 */
export async function findActorByKey({ db, bootstrap }: { db: Kysely<Database>; bootstrap: Buffer | undefined }, offered: string): Promise<Actor | undefined> {
  if (bootstrap && timingSafeEqual(digest(offered), bootstrap)) return { id: 'bootstrap', name: 'ADMIN_API_KEY', role: 'admin' };
  const key = await useApiKey(db, hashApiKey(offered));
  return key && { id: key.id, name: key.name, role: key.role, ...(key.bot_ids && { bots: key.bot_ids }) };
}

export function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
