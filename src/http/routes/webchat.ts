import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BotDirectory } from '../../bots/bot-directory';
import { formatConversationKey } from '../../conversations/conversation-key';
import type { MessageIntake } from '../../conversations/message-intake';
import { listMessagesByConversationKey, type MessageRow } from '../../db/queries/messages';
import type { Database } from '../../db/schema';
import type { MessageFeed } from '../../realtime/message-feed';
import type { AppEnv } from '../app-env';
import { bearerToken } from '../bearer-token';
import { readJsonBody } from '../json-body';
import { acceptMessage, requireBot } from '../message-acceptance';
import { issueVisitorToken, verifyVisitorToken } from '../visitor-token';

export const WebchatMessageSchema = z.object({
  text: z.string().trim().min(1, 'must not be empty').max(4000),
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" or "-", at most 100'),
});

const PAGE_SIZE = 200;

export interface WebchatRoutesDeps {
  db: Kysely<Database>;
  bots: BotDirectory;
  intake: MessageIntake;
  feed: MessageFeed;
  tokenSecret: string;
  tokenTtlSeconds: number;
  /** How often an idle event stream sends a comment, so proxies keep it open. Default 15 s. */
  keepAliveMs?: number;
}

/** The web chat widget's protocol: a session, messages in, server-sent events out. */
export function createWebchatRoutes(deps: WebchatRoutesDeps) {
  const { db, bots, intake, feed, tokenSecret } = deps;
  const app = new Hono<AppEnv>();

  app.post('/:botId/sessions', async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const session = await issueVisitorToken({ secret: tokenSecret, botId: bot.id, ttlSeconds: deps.tokenTtlSeconds });
    return c.json({ ...session, botName: bot.name }, 201);
  });

  app.post('/:botId/messages', async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const visitorId = await verifyVisitorToken({ secret: tokenSecret, botId: bot.id, token: bearerToken(c.req.header('authorization')) });
    const body = await readJsonBody(c, WebchatMessageSchema);
    await acceptMessage(intake, {
      botId: bot.id,
      platform: 'webchat',
      chatId: visitorId,
      userId: visitorId,
      // Scoped to the visitor, so one visitor's ids can never shadow another's.
      messageId: `${visitorId}:${body.clientMessageId}`,
      text: body.text,
      attachments: [],
      receivedAt: new Date().toISOString(),
      requestId: c.get('requestId'),
    });
    return c.json({ accepted: true, clientMessageId: body.clientMessageId }, 202);
  });

  app.get('/:botId/events', async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    // EventSource cannot set headers, so the token may come in the query string.
    const token = bearerToken(c.req.header('authorization')) ?? c.req.query('token');
    const visitorId = await verifyVisitorToken({ secret: tokenSecret, botId: bot.id, token });
    const conversationKey = formatConversationKey({ botId: bot.id, platform: 'webchat', chatId: visitorId });
    let cursor = c.req.header('last-event-id')?.match(/^\d+$/)?.[0];

    return streamSSE(c, async (stream) => {
      // A notice that arrives while we read is remembered, so the next wait returns at once.
      let noticed = false;
      let wake = () => undefined as void;
      const unsubscribe = feed.subscribe(conversationKey, () => {
        noticed = true;
        wake();
      });
      const waitForNotice = () =>
        new Promise<void>((resolve) => {
          if (noticed || stream.aborted) return resolve();
          wake = resolve;
          // Backstop for a notice lost while the listen connection was down.
          setTimeout(resolve, 30_000).unref();
        });
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), deps.keepAliveMs ?? 15_000);
      stream.onAbort(() => wake());
      try {
        while (!stream.aborted) {
          noticed = false;
          const rows = await readMessages(conversationKey, cursor, c.get('logger'));
          for (const row of rows) {
            await stream.writeSSE({ id: row.seq, event: 'message', data: JSON.stringify(toVisitorEvent(row, visitorId)) });
            cursor = row.seq;
          }
          if (rows.length < PAGE_SIZE) await waitForNotice();
        }
      } finally {
        clearInterval(keepAlive);
        unsubscribe();
      }
    });
  });

  async function readMessages(conversationKey: string, afterSeq: string | undefined, logger: Logger) {
    try {
      return await listMessagesByConversationKey(db, { conversationKey, afterSeq, limit: PAGE_SIZE });
    } catch (error) {
      logger.warn({ err: error }, 'Cannot read messages for the event stream; retrying on the next notice');
      return [];
    }
  }

  return app;
}

/** What a visitor may see of a stored message: never another visitor's, never internal fields. */
function toVisitorEvent(row: MessageRow, visitorId: string) {
  const prefix = `${visitorId}:`;
  return {
    id: row.id,
    seq: row.seq,
    role: row.direction === 'inbound' ? 'visitor' : row.author,
    text: row.text,
    kind: row.kind,
    status: row.status,
    clientMessageId: row.platform_message_id?.startsWith(prefix) ? row.platform_message_id.slice(prefix.length) : undefined,
    createdAt: row.created_at.toISOString(),
  };
}
