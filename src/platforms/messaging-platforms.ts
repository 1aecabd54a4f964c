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
  async function credentialsOf(botId: string) {
    const stored = await deps.channels.find(botId, module.platform);
    const credentials = stored && module.credentialsSchema.safeParse(stored);
    if (!credentials?.success) throw permanentFailure(`Bot ${botId} has no ${module.platform} channel configured`, 'ChannelNotConfigured');
    return credentials.data;
  }
  const { fetchMedia, sendTyping } = module;
  return {
    platform: module.platform,
    async send(reply) {
      return module.sendMessage({ reply, credentials: await credentialsOf(reply.key.botId), baseUrl: deps.baseUrl });
    },
    ...(fetchMedia && {
      async fetchMedia({ botId, attachment, maxBytes }) {
        return fetchMedia({ attachment, credentials: await credentialsOf(botId), baseUrl: deps.baseUrl, maxBytes });
      },
    }),
    ...(sendTyping && {
      async sendTyping(typing, abort) {
        await sendTyping({ typing, credentials: await credentialsOf(typing.key.botId), baseUrl: deps.baseUrl, abort });
      },
    }),
  };
}
