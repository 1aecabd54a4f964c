import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import type { MessageIntake } from '../../conversations/message-intake';
import { markDeliveryFailed } from '../../db/queries/messages';
import type { Database } from '../../db/schema';
import { isMessagingPlatform, type MessagingPlatform, type WebhookReply, type WebhookRequest } from '../../platforms/messaging-platform';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { acceptMessage, requireBot } from '../message-acceptance';

export interface WebhookRoutesDeps {
  db: Kysely<Database>;
  bots: BotDirectory;
  channels: ChannelDirectory;
  intake: MessageIntake;
  platforms: Record<string, MessagingPlatform>;
}

/**
 * `/webhooks/:platform/:botId` for every messaging platform. The order matters: nothing is parsed
 * before the signature over the raw bytes checks out, and the platform hears 2xx only after
 * Temporal holds every message of the request.
 */
export function createWebhookRoutes({ db, bots, channels, intake, platforms }: WebhookRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.on(['GET', 'POST'], '/:platform/:botId', async (c) => {
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
    if (!/^application\/(.+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
      throw new AppError('unsupported_media_type', 'Webhook bodies must be JSON.');
    }
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new AppError('invalid_json', 'The body is not valid JSON.');
    }

    const outcome = module.parseWebhook({
      botId: bot.id,
      request,
      body,
      credentials: credentials.data,
      receivedAt: new Date().toISOString(),
    });
    const logger = c.get('logger');
    switch (outcome.kind) {
      case 'reply':
        return respond(c, outcome.reply);
      case 'ignored':
        logger.debug({ platform: module.platform, reason: outcome.reason }, 'Webhook ignored');
        return c.json({ ok: true });
      case 'delivery-failed':
        for (const failure of outcome.failures) {
          await markDeliveryFailed(db, { botId: bot.id, platform: module.platform, ...failure });
        }
        return c.json({ ok: true });
      case 'messages':
        // In order, one at a time: the workflow keeps the order Temporal received them in.
        for (const message of outcome.messages) await acceptMessage(intake, { ...message, requestId: c.get('requestId') });
        return outcome.reply ? respond(c, outcome.reply) : c.json({ ok: true });
    }
  });

  return app;
}

function respond(c: { json: (body: unknown, status: any) => Response; text: (body: string, status: any) => Response }, reply: WebhookReply) {
  if (reply.json !== undefined) return c.json(reply.json, reply.status);
  return c.text(reply.text ?? '', reply.status);
}
