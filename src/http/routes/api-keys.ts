import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { generateApiKey } from '../../auth/api-key-secrets';
import { ROLES } from '../../auth/roles';
import { type ApiKeyRow, insertApiKey, listApiKeys, revokeApiKey } from '../../db/queries/api-keys';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';

const CreateApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});

/** `/v1/api-keys`: admins create keys (shown once), list them, and revoke them. */
export function createApiKeyRoutes({ db }: { db: Kysely<Database> }) {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const body = await readJsonBody(c, CreateApiKeySchema);
    const { key, hash, prefix } = generateApiKey();
    const row = await insertApiKey(db, { ...body, hash, prefix, createdBy: c.get('actor')?.name ?? 'unknown' });
    // The only time the key is ever shown.
    return c.json({ data: { ...toApiKeyView(row), key } }, 201);
  });

  app.get('/', async (c) => c.json({ data: (await listApiKeys(db)).map(toApiKeyView) }));

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await revokeApiKey(db, id))) {
      throw new AppError('not_found', `No active API key with id "${id}".`);
    }
    return c.body(null, 204);
  });

  return app;
}

function toApiKeyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.key_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
