import { proxyActivities } from '@temporalio/workflow';
import type { ConversationActivities } from '../activities';
import type { NotificationEvent } from '../src/notifications/notification-event';

/** A receiver may be down for a while: keep trying, with backoff, for a day. */
const notifications = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Delivers one event to its subscribers, and a handoff request by email too. A workflow of its own, so a delivery still being retried
 * outlives the conversation run that raised it (its end, or a continue-as-new).
 */
export async function notificationWorkflow(event: NotificationEvent): Promise<void> {
  await Promise.all([
    notifications.deliverNotification(event),
    ...(event.type === 'handoff.requested' ? [notifications.emailHandoffRequest(event)] : []),
  ]);
}
