/** What subscribers can be told about. Plain data: the workflow builds these. */
export const NOTIFICATION_EVENTS = [
  'conversation.started',
  'conversation.ended',
  'handoff.requested',
  'message.flagged',
  'delivery.failed',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

export interface NotificationEvent {
  /** Unique per event; receivers dedupe on it (also sent as `X-Webhook-Id`). */
  id: string;
  type: NotificationEventType;
  botId: string;
  platform: string;
  chatId: string;
  conversationId: string;
  /** ISO time the workflow saw it happen. */
  at: string;
  data: Record<string, unknown>;
}
