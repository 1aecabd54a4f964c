import { BotIdSchema } from '../../bots/bot-id';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { generateApiKey } from '../../auth/api-key-secrets';
import { ROLES } from '../../auth/roles';
import { type ApiKeyRow, insertApiKey, listApiKeys, revokeApiKey } from '../../db/queries/api-keys';
import type { Database } from '../../db/schema';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';
import { errorResponses } from '../openapi/error-responses';
import { dataOf } from '../openapi/page';
import { UuidParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

const CreateApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  /** Limits the key to these bots, on /v1 and in the console; absent: every bot. */
  bots: z.array(BotIdSchema).min(1).max(100).optional().openapi({ description: 'The bots this key may see and act on; absent: every bot. A scoped key gets 404 for any other bot.' }),
});

const API_KEY_EXAMPLE = {
  id: '3f6c1d2e-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  name: 'reporting',
  role: 'viewer',
  bots: null,
  prefix: 'co_3Xa9kQ',
  createdBy: 'ADMIN_API_KEY',
  createdAt: '2025-06-01T10:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
} as const;

const ApiKeySchema = z
  .object({
    id: z.string().openapi({ format: 'uuid' }),
    name: z.string(),
    role: z.enum(ROLES),
    bots: z.array(z.string()).nullable().openapi({ description: 'The bots it is limited to; null: every bot.' }),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart.' }),
    createdBy: z.string(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    lastUsedAt: z.string().nullable().openapi({ format: 'date-time', description: 'To the minute.' }),
    revokedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('ApiKey', { example: API_KEY_EXAMPLE });
type ApiKey = z.infer<typeof ApiKeySchema>;

const createApiKeyRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['api keys'],
  summary: 'Create an API key',
  description: 'The key is in this response and never again: only its hash is stored.',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateApiKeySchema, example: { name: 'reporting', role: 'viewer' } } } },
  },
  responses: {
    201: {
      description: 'The new key, with its secret.',
      content: {
        'application/json': {
          schema: dataOf(ApiKeySchema.extend({ key: z.string() })),
          example: { data: { ...API_KEY_EXAMPLE, key: 'co_3Xa9kQ7vN2mB…' } },
        },
      },
    },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`) or not a valid key (`validation_failed`).',
      413: 'The body is over MAX_BODY_BYTES.',
      415: 'The body is not sent as JSON.',
    }),
  },
});

const listApiKeysRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['api keys'],
  summary: 'List API keys',
  description: 'Every key, revoked ones too, with when each was last used. Never the secrets.',
  responses: {
    200: { description: 'The keys.', content: { 'application/json': { schema: dataOf(z.array(ApiKeySchema)) } } },
  },
});

const revokeApiKeyRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['api keys'],
  summary: 'Revoke an API key',
  description: 'Takes effect on the next request made with the key.',
  request: { params: UuidParamsSchema },
  responses: {
    204: { description: 'Revoked.' },
    ...errorResponses({ 404: 'No active key with this id.' }),
  },
});

/** `/v1/api-keys`: admins create keys (shown once), list them, and revoke them. */
export function createApiKeyRoutes({ db }: { db: Kysely<Database> }) {
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, createApiKeyRoute, async (c) => {
    const body = await readJsonBody(c, CreateApiKeySchema);
    const { key, hash, prefix } = generateApiKey();
    const row = await insertApiKey(db, { ...body, hash, prefix, createdBy: c.get('actor')?.name ?? 'unknown' });
    // The only time the key is ever shown.
    return c.json({ data: { ...toApiKeyView(row), key } }, 201);
  });

  serveRoute(app, listApiKeysRoute, async (c) => c.json({ data: (await listApiKeys(db)).map(toApiKeyView) }));

  serveRoute(app, revokeApiKeyRoute, async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await revokeApiKey(db, id))) {
      throw new AppError('not_found', `No active API key with id "${id}".`);
    }
    return c.body(null, 204);
  });

  return app;
}

function toApiKeyView(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    bots: row.bot_ids,
    prefix: row.key_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
