import { ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import type { ConversationKey } from '../src/conversations/conversation-key';
import type { NotificationEvent, NotificationEventType } from '../src/notifications/notification-event';
import { notificationWorkflow } from './notification-workflow';

/**
 * Tells webhook subscribers of a conversation event, through a child workflow that outlives the
 * run. Starts nothing when the bot's settings say nobody listens for `type`; with the settings not
 * read yet (`subscribed` undefined), starts it, and the delivery finds who listens.
 */
export async function notifySubscribers(
  conversation: { key: ConversationKey; conversationId: string; subscribed: readonly string[] | undefined },
  type: NotificationEventType,
  data: Record<string, unknown>,
): Promise<void> {
  const { key, conversationId, subscribed } = conversation;
  if (subscribed && !subscribed.includes(type)) return;
  const event: NotificationEvent = {
    id: uuid4(),
    type,
    botId: key.botId,
    platform: key.platform,
    chatId: key.chatId,
    conversationId,
    at: new Date().toISOString(),
    data,
  };
  await startChild(notificationWorkflow, {
    args: [event],
    workflowId: `notification:${event.id}`,
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}
