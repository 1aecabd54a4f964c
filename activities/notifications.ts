import { log } from '@temporalio/activity';
import { openSecret } from '../src/crypto/secret-box';
import { findPendingSubscribers, recordDelivery } from '../src/db/queries/webhook-subscriptions';
import type { NotificationEvent } from '../src/notifications/notification-event';
import { signNotification } from '../src/notifications/sign-notification';
import type { ActivityDeps } from './deps';

/** A receiver that hangs becomes a retry, well inside the activity's timeout. */
const DELIVERY_TIMEOUT_MS = 10_000;

export function createNotificationActivities({ db, encryptionKey, handoffMailer }: Pick<ActivityDeps, 'db' | 'encryptionKey' | 'handoffMailer'>) {
  return {
    /** Emails a handoff request when SMTP is configured; otherwise does nothing and says so. */
    async emailHandoffRequest(event: NotificationEvent): Promise<{ sent: boolean }> {
      if (!handoffMailer) return { sent: false };
      await handoffMailer.send(event);
      return { sent: true };
    },

    /**
     * Posts the event, signed, to every subscriber that has not had it yet. Any failure makes
     * Temporal retry with backoff; the subscribers that already took it are not sent it again.
     */
    async deliverNotification(event: NotificationEvent): Promise<{ delivered: number }> {
      const subscribers = await findPendingSubscribers(db, { eventId: event.id, type: event.type, botId: event.botId });
      const body = JSON.stringify(event);
      const failures: string[] = [];
      for (const subscriber of subscribers) {
        try {
          const response = await fetch(subscriber.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-webhook-id': event.id,
              'x-webhook-event': event.type,
              'x-webhook-signature': signNotification(openSecret(encryptionKey, subscriber.sealed_secret), body),
            },
            body,
            signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
          });
          if (!response.ok) throw new Error(`answered ${response.status}`);
          await recordDelivery(db, { eventId: event.id, subscriptionId: subscriber.id });
        } catch (error) {
          failures.push(`${subscriber.url}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failures.length > 0) {
        log.warn('Notification not delivered; retrying', { event: event.type, failures });
        throw new Error(`Could not deliver ${event.type} to ${failures.length} subscriber(s): ${failures.join('; ')}`);
      }
      return { delivered: subscribers.length };
    },
  };
}
