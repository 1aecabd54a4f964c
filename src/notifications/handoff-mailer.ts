import nodemailer from 'nodemailer';
import type { NotificationEvent } from './notification-event';

/** Emails the people who answer handoffs. */
export interface HandoffMailer {
  send(event: NotificationEvent): Promise<void>;
}

export function createHandoffMailer(options: { smtpUrl: string; from: string; to: string[] }): HandoffMailer {
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    async send(event) {
      const where = `${event.platform} chat ${event.chatId}`;
      await transport.sendMail({
        from: options.from,
        to: options.to,
        subject: `Handoff requested: bot ${event.botId}, ${where}`,
        text: [
          `A person is waiting for a human in conversation ${event.conversationId} (${where}).`,
          `Requested by: ${String(event.data.by ?? 'unknown')}, at ${event.at}.`,
          '',
          `Read it:  GET /v1/conversations/${event.conversationId}/messages`,
          `Answer:   POST /v1/conversations/${event.conversationId}/messages {"text": "..."}`,
          `Release:  POST /v1/conversations/${event.conversationId}/release`,
        ].join('\n'),
      });
    },
  };
}
