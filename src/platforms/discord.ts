import { z } from 'zod';
import type { MessagingPlatform } from './messaging-platform';

export const DiscordCredentialsSchema = z.object({ applicationId: z.string().min(1), publicKey: z.string().regex(/^[0-9a-f]{64}$/i, '64 hex characters'), botToken: z.string().min(1) });
export type DiscordCredentials = z.infer<typeof DiscordCredentialsSchema>;

/** Discord HTTP interactions. Not implemented yet: verification, parsing and sending arrive with issue 3. */
export const discord: MessagingPlatform<DiscordCredentials> = {
  platform: 'discord',
  credentialsSchema: DiscordCredentialsSchema,
  verifyRequest: () => false,
  parseWebhook: () => ({ kind: 'ignored', reason: 'not implemented' }),
  sendMessage: async () => {
    throw new Error('Discord sending is not implemented yet');
  },
};
