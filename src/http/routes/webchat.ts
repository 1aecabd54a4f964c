import { ChoiceSchema } from '../../conversations/choices';
import type { OutboundAttachment } from '../../conversations/outbound-attachment';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type SSEMessage, streamSSE } from 'hono/streaming';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { BotDirectory } from '../../bots/bot-directory';
import { formatConversationKey } from '../../conversations/conversation-key';
import type { MessageIntake } from '../../temporal/message-intake';
import { listMessagesByConversationKey, type MessageRow } from '../../db/queries/messages';
import type { Database } from '../../db/schema';
import type { MessageFeed } from '../../realtime/message-feed';
import type { AppEnv } from '../app-env';
import { bearerToken } from '../bearer-token';
import { inboundTextField } from '../inbound-fields';
import { readJsonBody } from '../json-body';
import { acceptMessage, requireBot } from '../message-acceptance';
import { SECURITY } from '../openapi/api-document';
import { errorResponses } from '../openapi/error-responses';
import { BotIdParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';
import { issueVisitorToken, verifyVisitorToken } from '../visitor-token';

export const WebchatMessageSchema = z.object({
  text: inboundTextField(4000),
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" or "-", at most 100'),
  /** A press of one of the bot's buttons: the choice's id (the text is its title). */
  payload: ChoiceSchema.shape.id.optional(),
});

const VisitorSessionSchema = z
  .object({
    token: z.string().openapi({ description: 'The visitor token: send it as `Authorization: Bearer <token>`.' }),
    visitorId: z.string(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    botName: z.string(),
  })
  .openapi('VisitorSession', {
    example: { token: 'eyJhbGciOiJIUzI1NiIs…', visitorId: '0b8f6c1e-2f0a-4c55-9d0e-51a4f5b1c2d3', expiresAt: '2025-06-02T10:00:00.000Z', botName: 'Support' },
  });

const VisitorEventSchema = z
  .object({
    id: z.string(),
    seq: z.string().openapi({ description: 'Also the event id: send it back as `Last-Event-ID` to resume.' }),
    role: z.enum(['visitor', 'user', 'bot', 'agent']),
    text: z.string(),
    attachments: z
      .array(z.object({ kind: z.enum(['image', 'file']), url: z.string(), name: z.string().optional() }))
      .optional()
      .openapi({ description: "Files a reply carries (a tool's, an operator's): show an image, link a document." }),
    choices: z.array(z.object({ id: z.string(), title: z.string() })).optional().openapi({ description: 'Buttons under a reply: post the title as `text` with the id as `payload`.' }),
    kind: z.enum(['message', 'reply', 'fallback', 'refusal', 'notice']),
    status: z.enum(['received', 'sent', 'failed']),
    clientMessageId: z.string().optional().openapi({ description: 'On the visitor\'s own messages: the id they were sent with.' }),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('VisitorEvent', {
    description: 'The data of each `message` event on the event stream.',
    example: { id: '9d2e…', seq: '42', role: 'bot', text: 'Hello! How can I help?', kind: 'reply', status: 'sent', createdAt: '2025-06-01T10:00:01.000Z' },
  });
type VisitorEvent = z.infer<typeof VisitorEventSchema>;

const createSessionRoute = createRoute({
  method: 'post',
  path: '/{botId}/sessions',
  tags: ['web chat'],
  summary: 'Start a visitor session',
  description: 'A visitor token for one new visitor of this bot. It expires; start a new session then.',
  request: { params: BotIdParamsSchema },
  responses: {
    201: { description: 'The session.', content: { 'application/json': { schema: VisitorSessionSchema } } },
    ...errorResponses({ 404: 'No bot with this id.', 503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.' }),
  },
});

const postMessageRoute = createRoute({
  method: 'post',
  path: '/{botId}/messages',
  tags: ['web chat'],
  summary: 'Send a visitor\'s message',
  description: 'Accepted once Temporal holds it; the reply arrives on the event stream. Resending the same `clientMessageId` is harmless.',
  security: SECURITY.visitorToken,
  request: {
    params: BotIdParamsSchema,
    body: {
      required: true,
      content: { 'application/json': { schema: WebchatMessageSchema, example: { text: 'Where is my order?', clientMessageId: 'm-1' } } },
    },
  },
  responses: {
    202: {
      description: 'Accepted: it will be answered.',
      content: {
        'application/json': {
          schema: z.object({ accepted: z.literal(true), clientMessageId: z.string() }),
          example: { accepted: true, clientMessageId: 'm-1' },
        },
      },
    },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`) or not a valid message (`validation_failed`).',
      401: 'No visitor token, or one that is forged, expired or for another bot.',
      404: 'No bot with this id.',
      413: 'The body is over MAX_BODY_BYTES.',
      415: 'The body is not sent as JSON.',
      503: 'Temporal did not take the message (`temporal_unavailable`), or the bot cannot be looked up (`not_ready`): retry with the same `clientMessageId`.',
    }),
  },
});

const eventsRoute = createRoute({
  method: 'get',
  path: '/{botId}/events',
  tags: ['web chat'],
  summary: 'The visitor\'s messages as server-sent events',
  description:
    'History first, then live: each stored message of this visitor\'s conversation, the visitor\'s and the replies, as a `message` event ' +
    'whose data is a `VisitorEvent` and whose id is its `seq`. While the model writes a reply, `draft` events show it growing: ' +
    '`{outboundKey, draftId, offset, delta}` (append `delta` at `offset`; a new `draftId` starts the draft over) or `{outboundKey, discard: true}`; ' +
    'the reply\'s `message` event replaces the draft. Before that, while the model is asked, `typing` events say the bot is typing: ' +
    '`{outboundKey, state: "start", lastsMs}` (sent again while it lasts; show it until `lastsMs` passes without another) or ' +
    '`{outboundKey, state: "stop"}` when no reply is coming; the reply\'s `message` event ends it too. An idle stream sends a comment now and then. The token may come in ' +
    '`?token=`, since EventSource cannot set headers.',
  security: SECURITY.visitorTokenOrQuery,
  request: {
    params: BotIdParamsSchema,
    headers: z.object({
      'last-event-id': z.string().optional().openapi({ description: 'Resume after this event: only newer messages are sent.', example: '42' }),
    }),
  },
  responses: {
    200: {
      description: 'The event stream; it stays open.',
      content: {
        'text/event-stream': {
          schema: z.string(),
          example: 'id: 42\nevent: message\ndata: {"id":"9d2e…","seq":"42","role":"bot","text":"Hello! How can I help?","kind":"reply","status":"sent","createdAt":"2025-06-01T10:00:01.000Z"}\n\n',
        },
      },
    },
    ...errorResponses({
      401: 'No visitor token, or one that is forged, expired or for another bot.',
      404: 'No bot with this id.',
      503: 'The bot cannot be looked up right now (`not_ready`); retry shortly.',
    }),
  },
});

const PAGE_SIZE = 200;

export interface WebchatRoutesDeps {
  db: Kysely<Database>;
  bots: BotDirectory;
  intake: MessageIntake;
  feed: MessageFeed;
  tokenSecret: string;
  tokenTtlSeconds: number;
  /** Messages per verified visitor. */
  visitorLimit?: { hit(c: Context<AppEnv>, visitorId: string): void };
  /** How often an idle event stream sends a comment, so proxies keep it open. Default 15 s. */
  keepAliveMs?: number;
}

/** The web chat widget's protocol: a session, messages in, server-sent events out. */
export function createWebchatRoutes(deps: WebchatRoutesDeps) {
  const { db, bots, intake, feed, tokenSecret } = deps;
  const app = new OpenAPIHono<AppEnv>();
  app.openAPIRegistry.register('VisitorEvent', VisitorEventSchema);

  serveRoute(app, createSessionRoute, async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const session = await issueVisitorToken({ secret: tokenSecret, botId: bot.id, ttlSeconds: deps.tokenTtlSeconds });
    return c.json({ ...session, botName: bot.name }, 201);
  });

  serveRoute(app, postMessageRoute, async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const visitorId = await verifyVisitorToken({ secret: tokenSecret, botId: bot.id, token: bearerToken(c.req.header('authorization')) });
    await deps.visitorLimit?.hit(c, visitorId);
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
      ...(body.payload !== undefined && { payload: body.payload }),
    });
    return c.json({ accepted: true, clientMessageId: body.clientMessageId }, 202);
  });

  serveRoute(app, eventsRoute, async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    // EventSource cannot set headers, so the token may come in the query string.
    const token = bearerToken(c.req.header('authorization')) ?? c.req.query('token');
    const visitorId = await verifyVisitorToken({ secret: tokenSecret, botId: bot.id, token });
    const conversationKey = formatConversationKey({ botId: bot.id, platform: 'webchat', chatId: visitorId });
    let cursor = c.req.header('last-event-id')?.match(/^\d+$/)?.[0];

    return streamSSE(c, async (stream) => {
      // Messages and drafts come from two sources; one chain keeps their events whole and in order.
      let writes = Promise.resolve();
      const send = (event: SSEMessage) => (writes = writes.then(() => stream.writeSSE(event)).catch(() => undefined));
      // A notice that arrives while we read is remembered, so the next wait returns at once.
      let noticed = false;
      let wake = () => undefined as void;
      const unsubscribe = feed.subscribe(conversationKey, () => {
        noticed = true;
        wake();
      });
      const unsubscribeDrafts = feed.subscribeDrafts(conversationKey, ({ conversationKey: _, ...draft }) => {
        if ('typing' in draft) void send({ event: 'typing', data: JSON.stringify({ outboundKey: draft.outboundKey, ...draft.typing }) });
        else void send({ event: 'draft', data: JSON.stringify(draft) });
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
            await send({ id: row.seq, event: 'message', data: JSON.stringify(toVisitorEvent(row, visitorId)) });
            cursor = row.seq;
          }
          if (rows.length < PAGE_SIZE) await waitForNotice();
        }
      } finally {
        clearInterval(keepAlive);
        unsubscribe();
        unsubscribeDrafts();
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
function toVisitorEvent(row: MessageRow, visitorId: string): VisitorEvent {
  const prefix = `${visitorId}:`;
  return {
    id: row.id,
    seq: row.seq,
    role: row.direction === 'inbound' ? 'visitor' : row.author,
    text: row.text,
    ...(row.direction === 'outbound' && row.attachments.length > 0 && { attachments: row.attachments as OutboundAttachment[] }),
    ...(row.choices.length > 0 && { choices: row.choices }),
    kind: row.kind,
    status: row.status,
    clientMessageId: row.platform_message_id?.startsWith(prefix) ? row.platform_message_id.slice(prefix.length) : undefined,
    createdAt: row.created_at.toISOString(),
  };
}
