import type { ChannelDirectory } from '../channels/channel-directory';
import { permanentFailure } from '../temporal/failures';
import { discord } from './discord';
import { messenger } from './messenger';
import type { MessagingPlatform, MessagingPlatformName } from './messaging-platform';
import type { PlatformAdapter } from './platform-adapter';
import { slack } from './slack';
import { telegram } from './telegram';
import { whatsapp } from './whatsapp';

export const MESSAGING_PLATFORM_MODULES: Record<MessagingPlatformName, MessagingPlatform> = {
  telegram,
  slack,
  discord,
  messenger,
  whatsapp,
};

/** The send side of a messaging platform, with the bot's credentials looked up at each send. */
export function createMessagingAdapter(
  module: MessagingPlatform,
  deps: { channels: ChannelDirectory; baseUrl: string },
): PlatformAdapter {
  return {
    platform: module.platform,
    async send(reply) {
      const stored = await deps.channels.find(reply.key.botId, module.platform);
      const credentials = stored && module.credentialsSchema.safeParse(stored);
      if (!credentials?.success) {
        throw permanentFailure(`Bot ${reply.key.botId} has no ${module.platform} channel configured`, 'ChannelNotConfigured');
      }
      return module.sendMessage({ reply, credentials: credentials.data, baseUrl: deps.baseUrl });
    },
  };
}
