import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Handler } from 'hono';
import type { Kysely } from 'kysely';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import type { MessageIntake } from '../../temporal/message-intake';
import { isOurDelivery, markDeliveryFailed } from '../../db/queries/messages';
import { applyMessageChange } from '../../db/queries/message-changes';
import { type MessageChange, normaliseChange } from '../../conversations/message-change';
import type { Database } from '../../db/schema';
import {
  isMessagingPlatform,
  MESSAGING_PLATFORMS,
  type MessagingPlatform,
  type WebhookReply,
  type WebhookRequest,
} from '../../platforms/messaging-platform';
import { MESSAGING_PLATFORM_MODULES } from '../../platforms/messaging-platforms';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { acceptMessage, requireBot } from '../message-acceptance';
import { errorResponses } from '../openapi/error-responses';
import { serveRoute } from '../openapi/serve-route';

const WebhookParamsSchema = z.object({
  platform: z.enum(MESSAGING_PLATFORMS),
  botId: z.string().openapi({ example: 'support' }),
});

// Each platform names its own signature headers (`about` in its adapter).
const SIGNATURES = Object.values(MESSAGING_PLATFORM_MODULES)
  .map(({ platform, about }) => `${platform} by ${about.signatureHeaders.map((header) => `\`${header}\``).join(' and ')}`)
  .join(', ');
const SIGNATURE_HEADERS = [...new Set(Object.values(MESSAGING_PLATFORM_MODULES).flatMap(({ about }) => about.signatureHeaders))];

const UNKNOWN_TARGET = 'An unknown platform or bot, or a bot without a channel on this platform.';

const handshakeRoute = createRoute({
  method: 'get',
  path: '/{platform}/{botId}',
  tags: ['webhooks'],
  summary: 'Meta\'s verification handshake',
  description: 'Messenger and WhatsApp verify a webhook URL with a GET; it is answered with `hub.challenge` when `hub.verify_token` is the channel\'s `verifyToken`.',
  request: {
    params: WebhookParamsSchema,
    query: z.object({
      'hub.mode': z.literal('subscribe').optional(),
      'hub.verify_token': z.string().optional(),
      'hub.challenge': z.string().optional(),
    }),
  },
  responses: {
    200: { description: 'The challenge, echoed.', content: { 'text/plain': { schema: z.string(), example: '1158201444' } } },
    ...errorResponses({
      403: 'The verify token or `hub.mode` is wrong.',
      404: `${UNKNOWN_TARGET} Also for platforms without a handshake: their webhooks take POST only.`,
      503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.',
    }),
  },
});

const deliveryRoute = createRoute({
  method: 'post',
  path: '/{platform}/{botId}',
  tags: ['webhooks'],
  summary: 'A platform delivers events',
  description:
    'The body is the platform\'s own JSON, verified over its raw bytes before anything reads it, by ' +
    `${SIGNATURES}. The answer is 2xx only ` +
    'once Temporal holds every message of the request; 503 otherwise, so the platform retries.',
  request: {
    params: WebhookParamsSchema,
    headers: z.object(Object.fromEntries(SIGNATURE_HEADERS.map((header) => [header.toLowerCase(), z.string().optional()]))),
    body: {
      required: true,
      description: 'A Telegram Update, a Slack Events API callback, a Discord interaction, or a Messenger or WhatsApp webhook.',
      content: {
        'application/json': {
          schema: z.object({}).catchall(z.unknown()),
          example: { update_id: 10001, message: { message_id: 7, chat: { id: 42, type: 'private' }, from: { id: 42 }, date: 1748772000, text: 'Hello' } },
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Taken: `{ ok: true }`, or the platform\'s protocol answer (Slack\'s challenge as text, Discord\'s interaction response).',
      content: {
        'application/json': { schema: z.object({}).catchall(z.unknown()), example: { ok: true } },
        'text/plain': { schema: z.string(), example: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
      },
    },
    ...errorResponses({
      400: 'The body is not valid JSON.',
      401: 'The signature is missing or wrong.',
      404: UNKNOWN_TARGET,
      413: 'The body is over MAX_BODY_BYTES.',
      415: 'The body is not sent as JSON.',
      503: 'Temporal did not take the messages (`temporal_unavailable`), or the bot cannot be looked up (`not_ready`): the platform should retry.',
    }),
  },
});

const interactionsRoute = createRoute({
  method: 'post',
  path: '/{platform}/{botId}/interactions',
  tags: ['webhooks'],
  summary: 'Slack delivers a button press',
  description:
    "Slack's Interactivity Request URL: a signed form whose `payload` is a `block_actions` JSON. Answered 200 within Slack's 3 seconds, once Temporal holds the press; the bot answers it in the conversation. Slack only.",
  request: { params: WebhookParamsSchema },
  responses: {
    200: { description: 'Taken.', content: { 'text/plain': { schema: z.string(), example: '' } } },
    ...errorResponses({ 400: 'No `payload` that is valid JSON.', 401: 'The signature is missing or wrong.', 404: UNKNOWN_TARGET, 415: 'Not a form.' }),
  },
});

export interface WebhookRoutesDeps {
  db: Kysely<Database>;
  bots: BotDirectory;
  channels: ChannelDirectory;
  intake: MessageIntake;
  platforms: Record<string, MessagingPlatform>;
  /** Where each platform's API is, for acknowledging a press. */
  platformBaseUrls: Record<string, string>;
}

/**
 * `/webhooks/:platform/:botId` for every messaging platform. The order matters: nothing is parsed
 * before the signature over the raw bytes checks out, and the platform hears 2xx only after
 * Temporal holds every message of the request.
 */
export function createWebhookRoutes({ db, bots, channels, intake, platforms, platformBaseUrls }: WebhookRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();

  const receiveWebhook: Handler<AppEnv, '/:platform/:botId'> = async (c) => {
    const name = c.req.param('platform');
    const module = isMessagingPlatform(name) ? platforms[name] : undefined;
    if (!module) throw new AppError('not_found', `No webhook for platform "${name}".`);
    const bot = await requireBot(bots, c.req.param('botId'));
    const stored = await channels.find(bot.id, module.platform);
    const credentials = stored && module.credentialsSchema.safeParse(stored);
    if (!credentials?.success) {
      throw new AppError('not_found', `Bot "${bot.id}" has no ${module.platform} channel. Configure it with PUT /v1/bots/${bot.id}/channels/${module.platform}.`);
    }

    const request: WebhookRequest = {
      method: c.req.method,
      headers: c.req.raw.headers,
      rawBody: Buffer.from(await c.req.arrayBuffer()),
      query: new URL(c.req.url).searchParams,
    };

    if (request.method === 'GET') {
      if (!module.answerHandshake) throw new AppError('not_found', `${module.platform} webhooks take POST only.`);
      return respond(c, module.answerHandshake(request, credentials.data));
    }

    if (!module.verifyRequest(request, credentials.data, new Date())) {
      throw new AppError('unauthorized', 'The request signature is missing or wrong.');
    }
    // Slack posts button presses to the interactions URL as a form whose `payload` is the JSON.
    const interactions = c.req.path.endsWith('/interactions');
    if (interactions && !module.readsInteractions) throw new AppError('not_found', `${module.platform} has no interactions URL here; use /webhooks/${module.platform}/${bot.id}.`);
    const form = interactions && /^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '');
    if (!form && !/^application\/(.+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
      throw new AppError('unsupported_media_type', interactions ? 'Interactions come as a form with a JSON `payload`.' : 'Webhook bodies must be JSON.');
    }
    let body: unknown;
    try {
      const raw = request.rawBody.toString('utf8');
      body = JSON.parse(form ? (new URLSearchParams(raw).get('payload') ?? '') : raw);
    } catch {
      throw new AppError('invalid_json', form ? 'The form has no `payload` that is valid JSON.' : 'The body is not valid JSON.');
    }

    const outcome = module.parseWebhook({
      botId: bot.id,
      request,
      body,
      credentials: credentials.data,
      receivedAt: new Date().toISOString(),
    });
    const logger = c.get('logger');
    // Edits, deletes and reactions change the record, straight in Postgres; the bot answers none of them.
    const applyChanges = async (changes: MessageChange[]) => {
      for (const change of changes) {
        const applied = await applyMessageChange(db, { botId: bot.id, platform: module.platform, change: normaliseChange(change) });
        if (!applied) logger.debug({ platform: module.platform, change: change.kind }, 'A change to a message we never stored: ignored');
      }
    };
    switch (outcome.kind) {
      case 'reply':
        return respond(c, outcome.reply);
      case 'ignored':
        logger.debug({ platform: module.platform, reason: outcome.reason }, 'Webhook ignored');
        return c.json({ ok: true });
      case 'changes':
        await applyChanges(outcome.changes);
        return c.json({ ok: true });
      case 'delivery-failed':
        for (const failure of outcome.failures) {
          await markDeliveryFailed(db, { botId: bot.id, platform: module.platform, ...failure });
        }
        return c.json({ ok: true });
      case 'messages': {
        // In order, one at a time: the workflow keeps the order Temporal received them in.
        for (const message of outcome.messages) {
          // A press on a message that is not one of our replies is acknowledged and ignored.
          if (message.pressOf && !(await isOurDelivery(db, { botId: bot.id, platform: module.platform, deliveryId: message.pressOf }))) {
            logger.info({ platform: module.platform }, 'A button press on a message the bot never sent: ignored');
            continue;
          }
          await acceptMessage(intake, { ...message, requestId: c.get('requestId') });
        }
        await applyChanges(outcome.changes ?? []);
        // The platform's acknowledgement of a press (Telegram's answerCallbackQuery): best effort, after Temporal holds it.
        for (const token of outcome.acknowledge ?? []) {
          await module.acknowledge?.({ token, credentials: credentials.data, baseUrl: platformBaseUrls[module.platform] ?? '' }).catch((error: unknown) => {
            logger.warn({ platform: module.platform, err: error }, 'Could not acknowledge a button press; the press is answered anyway');
          });
        }
        return outcome.reply ? respond(c, outcome.reply) : c.json({ ok: true });
      }
    }
  };
  // One handler for all: the handshake, the delivery and the interactions share the lookups.
  serveRoute(app, handshakeRoute, receiveWebhook);
  serveRoute(app, deliveryRoute, receiveWebhook);
  serveRoute(app, interactionsRoute, receiveWebhook as unknown as Handler<AppEnv, '/:platform/:botId/interactions'>);

  return app;
}

function respond(c: { json: (body: unknown, status: any) => Response; text: (body: string, status: any) => Response }, reply: WebhookReply) {
  if (reply.json !== undefined) return c.json(reply.json, reply.status);
  return c.text(reply.text ?? '', reply.status);
}
