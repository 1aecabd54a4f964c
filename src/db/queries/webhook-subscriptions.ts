import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, WebhookSubscriptionsTable } from '../schema';

export type WebhookSubscriptionRow = Selectable<WebhookSubscriptionsTable>;

export async function insertWebhookSubscription(
  db: Kysely<Database>,
  args: { url: string; events: string[]; botId: string | null; sealedSecret: string },
): Promise<WebhookSubscriptionRow> {
  return db
    .insertInto('webhook_subscriptions')
    .values({ url: args.url, events: JSON.stringify(args.events), bot_id: args.botId, sealed_secret: args.sealedSecret })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listWebhookSubscriptions(db: Kysely<Database>): Promise<WebhookSubscriptionRow[]> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('deleted_at', 'is', null).orderBy('created_at').execute();
}

export async function deleteWebhookSubscription(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Subscribers of this event that have not received it yet. */
export async function findPendingSubscribers(
  db: Kysely<Database>,
  args: { eventId: string; type: string; botId: string },
): Promise<WebhookSubscriptionRow[]> {
  return db
    .selectFrom('webhook_subscriptions as s')
    .selectAll('s')
    .where('s.deleted_at', 'is', null)
    .where(sql<boolean>`s.events ? ${args.type}`)
    .where((eb) => eb.or([eb('s.bot_id', 'is', null), eb('s.bot_id', '=', args.botId)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification_deliveries as d')
            .select('d.event_id')
            .whereRef('d.subscription_id', '=', 's.id')
            .where('d.event_id', '=', args.eventId),
        ),
      ),
    )
    .execute();
}

export async function recordDelivery(db: Kysely<Database>, args: { eventId: string; subscriptionId: string }): Promise<void> {
  await db
    .insertInto('notification_deliveries')
    .values({ event_id: args.eventId, subscription_id: args.subscriptionId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The event types some live subscription wants for this bot (its own, or every bot's). */
export async function listSubscribedEventTypes(db: Kysely<Database>, botId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .select(sql<string>`jsonb_array_elements_text(events)`.as('type'))
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('bot_id', 'is', null), eb('bot_id', '=', botId)]))
    .distinct()
    .execute();
  return rows.map((row) => row.type).sort();
}
