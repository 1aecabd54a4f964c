import { z } from 'zod';
import type { MessagingPlatform } from './messaging-platform';

export const WhatsAppCredentialsSchema = z.object({ accessToken: z.string().min(1), phoneNumberId: z.string().min(1), appSecret: z.string().min(1), verifyToken: z.string().min(1) });
export type WhatsAppCredentials = z.infer<typeof WhatsAppCredentialsSchema>;

/** WhatsApp Cloud API. Not implemented yet: verification, parsing and sending arrive with issue 3. */
export const whatsapp: MessagingPlatform<WhatsAppCredentials> = {
  platform: 'whatsapp',
  credentialsSchema: WhatsAppCredentialsSchema,
  verifyRequest: () => false,
  parseWebhook: () => ({ kind: 'ignored', reason: 'not implemented' }),
  sendMessage: async () => {
    throw new Error('WhatsApp sending is not implemented yet');
  },
};
