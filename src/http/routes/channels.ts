import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import {
  isMessagingPlatform,
  MESSAGING_PLATFORMS,
  type MessagingPlatform,
} from '../../platforms/messaging-platform';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { readJsonBody } from '../json-body';
import { requireBot } from '../message-acceptance';
import { errorResponses } from '../openapi/error-responses';
import { dataOf } from '../openapi/page';
import { serveRoute } from '../openapi/serve-route';

const ChannelParamsSchema = z.object({
  botId: z.string().openapi({ example: 'support' }),
  platform: z.enum(MESSAGING_PLATFORMS),
});


const ChannelSchema = z
  .object({
    botId: z.string(),
    platform: z.enum(MESSAGING_PLATFORMS),
    webhookPath: z.string().openapi({ description: 'Give the platform this path on your public host.' }),
  })
  .openapi('Channel', { example: { botId: 'support', platform: 'telegram', webhookPath: '/webhooks/telegram/support' } });
type Channel = z.infer<typeof ChannelSchema>;

/** The body is the credentials schema of the platform in the path, so the route is built from the platforms served. */
function createPutChannelRoute(platforms: Record<string, MessagingPlatform>) {
  const modules = Object.values(platforms);
  return createRoute({
    method: 'put',
    path: '/{botId}/channels/{platform}',
    tags: ['channels'],
    summary: 'Store a bot\'s credentials on a platform',
    description: 'Stored sealed (AES-256-GCM) and never echoed back. The body is the credentials of the platform in the path.',
    request: {
      params: ChannelParamsSchema,
      body: {
        required: true,
        description: `The credentials of the platform in the path; the schemas are, in order: ${modules.map((module) => module.platform).join(', ')}.`,
        content: {
          'application/json': {
            schema: z.union(modules.map((module) => module.credentialsSchema)),
            examples: Object.fromEntries(
              modules.map((module) => [module.platform, { summary: module.platform, value: module.about.credentialsExample }]),
            ),
          },
        },
      },
    },
    responses: {
      200: { description: 'Replaced the stored credentials.', content: { 'application/json': { schema: dataOf(ChannelSchema) } } },
      201: { description: 'Stored the first credentials.', content: { 'application/json': { schema: dataOf(ChannelSchema) } } },
      ...errorResponses({
        400: 'The body is not valid JSON (`invalid_json`) or not this platform\'s credentials (`validation_failed`).',
        404: 'No bot with this id, or an unknown platform.',
        413: 'The body is over MAX_BODY_BYTES.',
        415: 'The body is not sent as JSON.',
        503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.',
      }),
    },
  });
}

const deleteChannelRoute = createRoute({
  method: 'delete',
  path: '/{botId}/channels/{platform}',
  tags: ['channels'],
  summary: 'Remove a bot\'s credentials on a platform',
  request: { params: ChannelParamsSchema },
  responses: {
    204: { description: 'Removed.' },
    ...errorResponses({
      404: 'No bot with this id, an unknown platform, or no stored channel.',
      503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.',
    }),
  },
});

export interface ChannelRoutesDeps {
  bots: BotDirectory;
  channels: ChannelDirectory;
  platforms: Record<string, MessagingPlatform>;
}

/** `PUT` and `DELETE /v1/bots/:botId/channels/:platform`: a bot's credentials on one platform. */
export function createChannelRoutes({ bots, channels, platforms }: ChannelRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, createPutChannelRoute(platforms), async (c) => {
    const module = requirePlatform(platforms, c.req.param('platform'));
    const bot = await requireBot(bots, c.req.param('botId'));
    const credentials = await readJsonBody(c, module.credentialsSchema);
    const { created } = await channels.save(bot.id, module.platform, credentials);
    // Never echo the secrets back.
    const data: Channel = { botId: bot.id, platform: module.platform, webhookPath: `/webhooks/${module.platform}/${bot.id}` };
    return c.json({ data }, created ? 201 : 200);
  });

  serveRoute(app, deleteChannelRoute, async (c) => {
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
