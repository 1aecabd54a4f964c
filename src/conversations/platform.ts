/** Every channel a conversation can run on. `webchat` and `api` are ours; the rest are messaging platforms. */
export const PLATFORMS = ['webchat', 'api', 'telegram', 'slack', 'discord', 'messenger', 'whatsapp'] as const;

export type Platform = (typeof PLATFORMS)[number];
