import { z } from 'zod';
import type { MessagingPlatform } from './messaging-platform';

export const SlackCredentialsSchema = z.object({ botToken: z.string().min(1), signingSecret: z.string().min(1) });
export type SlackCredentials = z.infer<typeof SlackCredentialsSchema>;

/** Slack Events API. Not implemented yet: verification, parsing and sending arrive with issue 3. */
export const slack: MessagingPlatform<SlackCredentials> = {
  platform: 'slack',
  credentialsSchema: SlackCredentialsSchema,
  verifyRequest: () => false,
  parseWebhook: () => ({ kind: 'ignored', reason: 'not implemented' }),
  sendMessage: async () => {
    throw new Error('Slack sending is not implemented yet');
  },
};
