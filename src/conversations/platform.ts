/** The messaging platforms, reached through webhooks and their send APIs: each has an adapter in src/platforms/. */
export const MESSAGING_PLATFORMS = ['telegram', 'slack', 'discord', 'messenger', 'whatsapp'] as const;
export type MessagingPlatformName = (typeof MESSAGING_PLATFORMS)[number];

/** Every channel a conversation can run on: the web chat and the API channel are ours. */
export const PLATFORMS = ['webchat', 'api', ...MESSAGING_PLATFORMS] as const;

export type Platform = (typeof PLATFORMS)[number];
