import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { sealSecret } from '../../crypto/secret-box';
import {
  deleteWebhookSubscription,
  insertWebhookSubscription,
  listWebhookSubscriptions,
  type WebhookSubscriptionRow,
} from '../../db/queries/webhook-subscriptions';
import type { Database } from '../../db/schema';
import { NOTIFICATION_EVENTS } from '../../notifications/notification-event';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';

const CreateSubscriptionSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1),
  /** Only this bot's events; every bot's when absent. */
  botId: z.string().min(1).optional(),
});

/** `/v1/webhook-subscriptions`: where to post signed notifications of conversation events. */
export function createWebhookSubscriptionRoutes({ db, encryptionKey }: { db: Kysely<Database>; encryptionKey: Buffer }) {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
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

  app.get('/', async (c) => c.json({ data: (await listWebhookSubscriptions(db)).map(toSubscriptionView) }));

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success || !(await deleteWebhookSubscription(db, id))) {
      throw new AppError('not_found', `No webhook subscription with id "${id}".`);
    }
    return c.body(null, 204);
  });

  return app;
}

function toSubscriptionView(row: WebhookSubscriptionRow) {
  return { id: row.id, url: row.url, events: row.events, botId: row.bot_id, createdAt: row.created_at.toISOString() };
}
