import { randomBytes } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { sealSecret } from '../../crypto/secret-box';
import {
  deleteWebhookSubscription,
  insertWebhookSubscription,
  listWebhookSubscriptions,
  type WebhookSubscriptionRow,
} from '../../db/queries/webhook-subscriptions';
import type { Database } from '../../db/schema';
import { NOTIFICATION_EVENTS, type NotificationEventType } from '../../notifications/notification-event';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';
import { errorResponses } from '../openapi/error-responses';
import { dataOf } from '../openapi/page';
import { UuidParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

const CreateSubscriptionSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1),
  /** Only this bot's events; every bot's when absent. */
  botId: z.string().min(1).optional(),
});

const SUBSCRIPTION_EXAMPLE = {
  id: '8a1d2c3b-4e5f-4a6b-9c7d-0e1f2a3b4c5d',
  url: 'https://example.com/hooks/chat',
  events: ['handoff.requested', 'conversation.ended'],
  botId: null,
  createdAt: '2025-06-01T10:00:00.000Z',
};

const SubscriptionSchema = z
  .object({
    id: z.string().openapi({ format: 'uuid' }),
    url: z.string().openapi({ format: 'uri' }),
    events: z.array(z.enum(NOTIFICATION_EVENTS)),
    botId: z.string().nullable().openapi({ description: 'Only this bot\'s events; `null`: every bot\'s.' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('WebhookSubscription', { example: SUBSCRIPTION_EXAMPLE });
type Subscription = z.infer<typeof SubscriptionSchema>;

const createSubscriptionRoute = createRoute({
  method: 'post',
  path: '/',
  tags: ['webhook subscriptions'],
  summary: 'Subscribe a URL to events',
  description: 'Each notification is signed with the `secret` in this response, shown once.',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: CreateSubscriptionSchema,
          example: { url: 'https://example.com/hooks/chat', events: ['handoff.requested', 'conversation.ended'] },
        },
      },
    },
  },
  responses: {
    201: {
      description: 'The subscription, with its signing secret.',
      content: {
        'application/json': {
          schema: dataOf(SubscriptionSchema.extend({ secret: z.string() })),
          example: { data: { ...SUBSCRIPTION_EXAMPLE, secret: 'whsec_…' } },
        },
      },
    },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`) or not a valid subscription (`validation_failed`).',
      413: 'The body is over MAX_BODY_BYTES.',
      415: 'The body is not sent as JSON.',
    }),
  },
});

const listSubscriptionsRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['webhook subscriptions'],
  summary: 'List webhook subscriptions',
  description: 'Never the secrets.',
  responses: {
    200: { description: 'The subscriptions.', content: { 'application/json': { schema: dataOf(z.array(SubscriptionSchema)) } } },
  },
});

const deleteSubscriptionRoute = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['webhook subscriptions'],
  summary: 'Delete a webhook subscription',
  request: { params: UuidParamsSchema },
  responses: {
    204: { description: 'Deleted.' },
    ...errorResponses({ 404: 'No subscription with this id.' }),
  },
});

/** `/v1/webhook-subscriptions`: where to post signed notifications of conversation events. */
export function createWebhookSubscriptionRoutes({ db, encryptionKey }: { db: Kysely<Database>; encryptionKey: Buffer }) {
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, createSubscriptionRoute, async (c) => {
    const body = await readJsonBody(c, CreateSubscriptionSchema);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const row = await insertWebhookSubscription(db, {
      url: body.url,
      events: body.events,
      botId: body.botId ?? null,
      sealedSecret: sealSecret(encryptionKey, secret),
    });
    // The signing secret is shown once; it is stored sealed.
    return c.json({ data: { ...toSubscriptionView(row), secret } }, 201);
  });

  serveRoute(app, listSubscriptionsRoute, async (c) => c.json({ data: (await listWebhookSubscriptions(db)).map(toSubscriptionView) }));

  serveRoute(app, deleteSubscriptionRoute, async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await deleteWebhookSubscription(db, id))) {
      throw new AppError('not_found', `No webhook subscription with id "${id}".`);
    }
    return c.body(null, 204);
  });

  return app;
}

function toSubscriptionView(row: WebhookSubscriptionRow): Subscription {
  // Only `NOTIFICATION_EVENTS` pass `CreateSubscriptionSchema`, so only they are stored.
  const events = row.events as NotificationEventType[];
  return { id: row.id, url: row.url, events, botId: row.bot_id, createdAt: row.created_at.toISOString() };
}
