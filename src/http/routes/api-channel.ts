import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { BotDirectory } from '../../bots/bot-directory';
import type { MessageIntake } from '../../temporal/message-intake';
import type { AppEnv } from '../app-env';
import { MAX_CHAT_ID_LENGTH, MAX_INBOUND_TEXT_LENGTH } from '../../conversations/normalise-inbound';
import { inboundIdField, inboundTextField } from '../inbound-fields';
import { readJsonBody, readQuery } from '../json-body';
import { acceptMessage, acceptMessageAndWait, requireBot } from '../message-acceptance';
import { errorResponses } from '../openapi/error-responses';
import { BotIdParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

const opaqueId = inboundIdField(MAX_CHAT_ID_LENGTH);

export const ApiChannelMessageSchema = z.object({
  chatId: opaqueId,
  userId: opaqueId,
  messageId: opaqueId,
  text: inboundTextField(MAX_INBOUND_TEXT_LENGTH),
});

const ApiChannelQuerySchema = z.object({ wait: z.enum(['true', 'false']).optional() });

const ReplyOutcomeSchema = z
  .union([
    z.object({ status: z.literal('replied'), text: z.string(), kind: z.enum(['reply', 'fallback', 'refusal', 'notice']) }),
    z.object({ status: z.literal('duplicate') }),
    z.object({ status: z.literal('not-answered'), reason: z.enum(['handoff', 'ended', 'delivery-failed', 'disabled', 'rejected']) }),
  ])
  .openapi('ReplyOutcome', {
    description:
      '`replied` with the text (`fallback` when the model failed, `refusal` when moderation blocked it); `duplicate` for a message id ' +
      'already taken; `not-answered` when a human has the conversation, it ended, the bot is disabled, the reply could not be delivered, or the message could not be stored (`rejected`).',
    example: { status: 'replied', text: 'Your order ships tomorrow.', kind: 'reply' },
  });

type ReplyOutcome = z.infer<typeof ReplyOutcomeSchema>;

const postMessageRoute = createRoute({
  method: 'post',
  path: '/{botId}/messages',
  tags: ['api channel'],
  summary: 'Post a message to a bot',
  description:
    'The message joins the conversation of `chatId`, like one from any platform. Resending the same `messageId` is harmless. ' +
    'With `?wait=true` the reply comes back in the response, within REPLY_WAIT_TIMEOUT_MS.',
  request: {
    params: BotIdParamsSchema,
    query: ApiChannelQuerySchema,
    body: {
      required: true,
      content: {
        'application/json': { schema: ApiChannelMessageSchema, example: { chatId: 'c1', userId: 'u1', messageId: 'm1', text: 'Hello' } },
      },
    },
  },
  responses: {
    200: {
      description: 'With `?wait=true`: accepted and answered.',
      content: {
        'application/json': {
          schema: z.object({ accepted: z.literal(true), messageId: z.string(), reply: ReplyOutcomeSchema }),
          example: { accepted: true, messageId: 'm1', reply: { status: 'replied', text: 'Hi! How can I help?', kind: 'reply' } },
        },
      },
    },
    202: {
      description: 'Accepted: it will be answered; read the reply from the conversation\'s messages.',
      content: {
        'application/json': {
          schema: z.object({ accepted: z.literal(true), messageId: z.string() }),
          example: { accepted: true, messageId: 'm1' },
        },
      },
    },
    ...errorResponses({
      400: 'The body is not valid JSON (`invalid_json`), or the body or `wait` is invalid (`validation_failed`).',
      404: 'No bot with this id.',
      413: 'The body is over MAX_BODY_BYTES.',
      415: 'The body is not sent as JSON.',
      503: 'Temporal did not take the message (`temporal_unavailable`), or the bot cannot be looked up (`not_ready`): retry with the same `messageId`.',
      504: 'With `?wait=true`: accepted and still to be answered, but no reply came in time.',
    }),
  },
});

export interface ApiChannelRoutesDeps {
  bots: BotDirectory;
  intake: MessageIntake;
  replyWaitTimeoutMs: number;
}

/** The API channel: integrators post messages; `?wait=true` returns the reply in the response. */
export function createApiChannelRoutes({ bots, intake, replyWaitTimeoutMs }: ApiChannelRoutesDeps) {
  const app = new OpenAPIHono<AppEnv>();

  serveRoute(app, postMessageRoute, async (c) => {
    const bot = await requireBot(bots, c.req.param('botId'));
    const { wait } = readQuery(c, ApiChannelQuerySchema);
    const body = await readJsonBody(c, ApiChannelMessageSchema);
    const message = {
      botId: bot.id,
      platform: 'api' as const,
      chatId: body.chatId,
      userId: body.userId,
      // Scoped to the chat: a retry dedupes, another chat's id never collides.
      messageId: `${body.chatId}:${body.messageId}`,
      text: body.text,
      attachments: [],
      receivedAt: new Date().toISOString(),
      requestId: c.get('requestId'),
    };

    if (wait !== 'true') {
      await acceptMessage(intake, message);
      return c.json({ accepted: true, messageId: body.messageId }, 202);
    }
    const { outcome } = await acceptMessageAndWait(intake, message, replyWaitTimeoutMs);
    if (outcome === 'timeout') {
      return c.json(
        {
          error: {
            code: 'reply_timeout',
            message: `The message was accepted and will still be answered, but no reply came within ${replyWaitTimeoutMs} ms. Read it later from the conversation's messages.`,
          },
        },
        504,
      );
    }
    const reply: ReplyOutcome = outcome;
    return c.json({ accepted: true, messageId: body.messageId, reply }, 200);
  });

  return app;
}
