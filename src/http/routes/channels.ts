import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import {
  isMessagingPlatform,
  MESSAGING_PLATFORMS,
  type MessagingPlatform,
} from '../../platforms/messaging-platform';
import { WebhookRegistrationFailed, webhookUrlFor } from '../../platforms/webhook-setup';
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

const RegistrationFields = {
  botId: z.string(),
  platform: z.enum(MESSAGING_PLATFORMS),
  webhookUrl: z.string().openapi({ description: 'The bot\'s webhook on this server\'s public address (PUBLIC_URL).' }),
};

const RegistrationSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('registered').openapi({ description: 'Registered through the platform\'s API (Telegram).' }),
        ...RegistrationFields,
        report: z
          .object({
            url: z.string(),
            pendingUpdateCount: z.number().int(),
            allowedUpdates: z.array(z.string()),
            lastErrorMessage: z.string().optional(),
            lastErrorAt: z.string().optional().openapi({ description: 'ISO 8601.' }),
          })
          .openapi({ description: 'What the platform reports once registered (Telegram\'s getWebhookInfo).' }),
      })
      .openapi('WebhookRegistered'),
    z
      .object({
        kind: z.literal('console').openapi({ description: 'The platform registers webhooks only in its console: paste these.' }),
        ...RegistrationFields,
        where: z.string(),
        settings: z.array(z.object({ name: z.string(), value: z.string() })),
        then: z.string(),
      })
      .openapi('WebhookConsoleSettings'),
  ])
  .openapi('WebhookRegistration', {
    example: {
      kind: 'registered',
      botId: 'support',
      platform: 'telegram',
      webhookUrl: 'https://bots.example.com/webhooks/telegram/support',
      report: {
        url: 'https://bots.example.com/webhooks/telegram/support',
        pendingUpdateCount: 0,
        allowedUpdates: ['message', 'edited_message', 'callback_query', 'message_reaction'],
      },
    },
  });
type Registration = z.infer<typeof RegistrationSchema>;

const registerChannelRoute = createRoute({
  method: 'post',
  path: '/{botId}/channels/{platform}/register',
  tags: ['channels'],
  summary: 'Point the platform at the bot\'s webhook',
  description:
    'Telegram: calls `setWebhook` with the channel\'s secret token and the update kinds the bot reads, then answers what `getWebhookInfo` reports. ' +
    'Slack, Messenger, WhatsApp and Discord set webhooks only in their consoles: answers the exact settings to paste there, and calls nothing. ' +
    'Safe to repeat. The URL is built from PUBLIC_URL, which must be HTTPS.',
  request: { params: ChannelParamsSchema },
  responses: {
    200: { description: 'Registered, or the settings to paste.', content: { 'application/json': { schema: dataOf(RegistrationSchema) } } },
    ...errorResponses({
      404: 'No bot with this id, an unknown platform, or no stored channel for this bot on the platform.',
      409: 'PUBLIC_URL is not set, or not HTTPS: the message says what to set.',
      502: 'The platform refused (`platform_refused`), for example a revoked bot token: the message carries its words and what to do next. Nothing was changed.',
      503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.',
    }),
  },
});

export interface ChannelRoutesDeps {
  bots: BotDirectory;
  channels: ChannelDirectory;
  platforms: Record<string, MessagingPlatform>;
  /** This server's public address (PUBLIC_URL), which webhooks are registered at. */
  publicUrl: string | undefined;
  /** Each platform's API root. */
  platformBaseUrls: Record<string, string>;
}

/** `PUT` and `DELETE /v1/bots/:botId/channels/:platform`: a bot's credentials on one platform; `POST …/register`: its webhook. */
export function createChannelRoutes({ bots, channels, platforms, publicUrl, platformBaseUrls }: ChannelRoutesDeps) {
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

  serveRoute(app, registerChannelRoute, async (c) => {
    const module = requirePlatform(platforms, c.req.param('platform'));
    const bot = await requireBot(bots, c.req.param('botId'));
    const stored = await channels.find(bot.id, module.platform);
    const credentials = stored && module.credentialsSchema.safeParse(stored);
    if (!credentials?.success) {
      throw new AppError(
        'not_found',
        `Bot "${bot.id}" has no ${module.platform} channel: store its credentials first with PUT /v1/bots/${bot.id}/channels/${module.platform}, then register.`,
      );
    }
    const webhook = webhookUrlFor({ publicUrl, platform: module.platform, botId: bot.id });
    if (!webhook.ok) throw new AppError('conflict', webhook.problem);
    let setup;
    try {
      setup = await module.setUpWebhook({ webhookUrl: webhook.url, credentials: credentials.data, baseUrl: platformBaseUrls[module.platform]! });
    } catch (error) {
      if (error instanceof WebhookRegistrationFailed) throw new AppError('platform_refused', error.message);
      throw error;
    }
    const data: Registration = { ...setup, botId: bot.id, platform: module.platform, webhookUrl: webhook.url };
    return c.json({ data }, 200);
  });

  return app;
}

function requirePlatform(platforms: Record<string, MessagingPlatform>, name: string): MessagingPlatform {
  const module = isMessagingPlatform(name) ? platforms[name] : undefined;
  if (!module) throw new AppError('not_found', `Unknown platform "${name}". Use one of: ${Object.keys(platforms).join(', ')}.`);
  return module;
}
