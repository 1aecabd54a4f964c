import { z } from 'zod';
import type { MessagingPlatform } from './messaging-platform';

export const MessengerCredentialsSchema = z.object({ pageAccessToken: z.string().min(1), appSecret: z.string().min(1), verifyToken: z.string().min(1) });
export type MessengerCredentials = z.infer<typeof MessengerCredentialsSchema>;

/** Messenger Platform. Not implemented yet: verification, parsing and sending arrive with issue 3. */
export const messenger: MessagingPlatform<MessengerCredentials> = {
  platform: 'messenger',
  credentialsSchema: MessengerCredentialsSchema,
  verifyRequest: () => false,
  parseWebhook: () => ({ kind: 'ignored', reason: 'not implemented' }),
  sendMessage: async () => {
    throw new Error('Messenger sending is not implemented yet');
  },
};
