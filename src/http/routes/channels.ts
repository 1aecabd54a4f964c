import { Hono } from 'hono';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import { isMessagingPlatform, type MessagingPlatform } from '../../platforms/messaging-platform';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';
import { requireBot } from '../message-acceptance';

export interface ChannelRoutesDeps {
  bots: BotDirectory;
  channels: ChannelDirectory;
  platforms: Record<string, MessagingPlatform>;
}

/** `PUT` and `DELETE /v1/bots/:botId/channels/:platform`: a bot's credentials on one platform. */
export function createChannelRoutes({ bots, channels, platforms }: ChannelRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.put('/:botId/channels/:platform', async (c) => {
    const module = requirePlatform(platforms, c.req.param('platform'));
    const bot = await requireBot(bots, c.req.param('botId'));
    const credentials = await readJsonBody(c, module.credentialsSchema);
    const { created } = await channels.save(bot.id, module.platform, credentials);
    // Never echo the secrets back.
    return c.json({ data: { botId: bot.id, platform: module.platform, webhookPath: `/webhooks/${module.platform}/${bot.id}` } }, created ? 201 : 200);
  });

  app.delete('/:botId/channels/:platform', async (c) => {
    const module = requirePlatform(platforms, c.req.param('platform'));
    const bot = await requireBot(bots, c.req.param('botId'));
    if (!(await channels.remove(bot.id, module.platform))) {
      throw new AppError('not_found', `Bot "${bot.id}" has no stored ${module.platform} channel.`);
    }
    return c.body(null, 204);
  });

  return app;
}

function requirePlatform(platforms: Record<string, MessagingPlatform>, name: string): MessagingPlatform {
  const module = isMessagingPlatform(name) ? platforms[name] : undefined;
  if (!module) throw new AppError('not_found', `Unknown platform "${name}". Use one of: ${Object.keys(platforms).join(', ')}.`);
  return module;
}
