import { z } from 'zod';
import type { MessagingPlatform } from './messaging-platform';

export const TelegramCredentialsSchema = z.object({ botToken: z.string().min(1), secretToken: z.string().min(1) });
export type TelegramCredentials = z.infer<typeof TelegramCredentialsSchema>;

/** Telegram Bot API. Not implemented yet: verification, parsing and sending arrive with issue 3. */
export const telegram: MessagingPlatform<TelegramCredentials> = {
  platform: 'telegram',
  credentialsSchema: TelegramCredentialsSchema,
  verifyRequest: () => false,
  parseWebhook: () => ({ kind: 'ignored', reason: 'not implemented' }),
  sendMessage: async () => {
    throw new Error('Telegram sending is not implemented yet');
  },
};
