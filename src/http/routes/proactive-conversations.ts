import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { BotDirectory } from '../../bots/bot-directory';
import type { ChannelDirectory } from '../../channels/channel-directory';
import { MAX_CHAT_ID_LENGTH, normaliseText } from '../../conversations/normalise-inbound';
import type { TemplateMessage, TemplateSpec } from '../../conversations/whatsapp-templates';
import { findProactiveMessage } from '../../db/queries/messages';
import type { Database } from '../../db/schema';
import { MESSAGING_PLATFORMS } from '../../platforms/messaging-platform';
import type { MessageIntake } from '../../temporal/message-intake';
import { proactiveMessageId } from '../../conversations/outbound-parts';
import type { AppEnv } from '../app-env';
import { AppError } from '../app-error';
import { inboundIdField, inboundTextField } from '../inbound-fields';
import { readJsonBody } from '../json-body';
import { requireBot } from '../message-acceptance';
import { errorResponses } from '../openapi/error-responses';
import { BotIdParamsSchema } from '../openapi/path-params';
import { serveRoute } from '../openapi/serve-route';

/** The longest first message: one part on every platform. */
const MAX_PROACTIVE_TEXT = 2000;

const StartConversationSchema = z.object({
  platform: z.enum(MESSAGING_PLATFORMS),
  chatId: inboundIdField(MAX_CHAT_ID_LENGTH).openapi({ description: "The platform's chat: a Telegram chat id, a Slack channel, a WhatsApp number, a Messenger PSID, a Discord channel." }),
  text: inboundTextField(MAX_PROACTIVE_TEXT),
  template: z
    .object({ name: z.string().min(1), parameters: z.record(z.string(), z.string()).default({}) })
    .optional()
    .openapi({ description: "WhatsApp only: one of the bot's `whatsappTemplates`, with a value for each of its parameters; sent instead of `text` when the person's 24-hour window has closed." }),
});

const StartedSchema = z.object({
  conversationId: z.string().openapi({ format: 'uuid' }),
  status: z.enum(['queued', 'already-sent']),
});

const IdempotencyHeadersSchema = z.object({
  'idempotency-key': inboundIdField(200).openapi({ description: 'The same on every retry of this message: it is sent once.' }),
});

const startConversationRoute = createRoute({
  method: 'post',
  path: '/{botId}/conversations',
  tags: ['conversations'],
  summary: 'Start a conversation with a message from the bot',
  description:
    'The bot writes first, on a messaging platform, through the same durable, paced send path as its replies. An operator or an admin may; a retry with the same `Idempotency-Key` sends nothing twice. ' +
    "On WhatsApp, outside the 24-hour window only an approved template may be sent: give `template`, or the message fails with `WhatsAppWindowClosed` on the conversation.",
  request: {
    params: BotIdParamsSchema,
    headers: IdempotencyHeadersSchema,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: StartConversationSchema,
          example: { platform: 'whatsapp', chatId: '15551234567', text: 'Your order #1042 has shipped.', template: { name: 'order_update', parameters: { order: '#1042' } } },
        },
      },
    },
  },
  responses: {
    202: { description: 'Queued: the conversation exists and the message will be sent.', content: { 'application/json': { schema: StartedSchema, example: { conversationId: '5b0c2a52-8f1e-4d6b-9a3c-2f1e0d9c8b7a', status: 'queued' } } } },
    200: { description: 'This key was sent before: nothing is sent again.', content: { 'application/json': { schema: StartedSchema, example: { conversationId: '5b0c2a52-8f1e-4d6b-9a3c-2f1e0d9c8b7a', status: 'already-sent' } } } },
    ...errorResponses({
      400: 'No `Idempotency-Key`, or the body is invalid: an unknown template, missing or unexpected template parameters, a template off WhatsApp.',
      404: 'No bot with this id.',
      409: "The bot has no channel on this platform, or a human has the conversation (send as an operator), or it is ending.",
      503: 'Temporal did not take the message: retry with the same `Idempotency-Key`.',
    }),
  },
});

export function createProactiveConversationRoutes(deps: { db: Kysely<Database>; bots: BotDirectory; channels: ChannelDirectory; intake: MessageIntake }) {
  const app = new OpenAPIHono<AppEnv>();
  serveRoute(app, startConversationRoute, async (c) => {
    const bot = await requireBot(deps.bots, c.req.param('botId'));
    const clientKey = idempotencyKeyOf(c.req.header('idempotency-key'));
    const body = await readJsonBody(c, StartConversationSchema);
    if (!(await deps.channels.find(bot.id, body.platform))) {
      throw new AppError('conflict', `Bot "${bot.id}" has no ${body.platform} channel: configure it first with PUT /v1/bots/${bot.id}/channels/${body.platform}.`);
    }
    const template = body.template && resolveTemplate(body.platform, bot.whatsappTemplates, body.template);

    const sent = await findProactiveMessage(deps.db, { botId: bot.id, outboundKey: proactiveMessageId(clientKey) });
    if (sent) return c.json({ conversationId: sent.conversationId, status: 'already-sent' as const }, 200);

    const key = { botId: bot.id, platform: body.platform, chatId: body.chatId };
    const text = normaliseText(body.text, MAX_PROACTIVE_TEXT);
    try {
      const started = await deps.intake.sendProactive(key, { messageId: clientKey, text, by: c.get('actor')?.name ?? 'operator', ...(template && { template }) });
      return c.json({ conversationId: started.conversationId, status: started.queued ? ('queued' as const) : ('already-sent' as const) }, started.queued ? 202 : 200);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw new AppError('conflict', error.cause?.message ?? 'The conversation refused the message.');
      throw new AppError('temporal_unavailable', 'The message was not queued: the workflow service did not answer. Retry with the same Idempotency-Key.');
    }
  });
  return app;
}

function idempotencyKeyOf(header: string | undefined): string {
  const parsed = IdempotencyHeadersSchema.shape['idempotency-key'].safeParse(header);
  if (!parsed.success) throw new AppError('validation_failed', 'Send an Idempotency-Key header (one line, up to 200 characters), the same on every retry of this message.');
  return parsed.data;
}

/** The bot's template with the request's parameter values in its order; every declared parameter, and no other. */
function resolveTemplate(platform: string, templates: readonly TemplateSpec[], asked: { name: string; parameters: Record<string, string> }): TemplateMessage {
  if (platform !== 'whatsapp') throw new AppError('validation_failed', 'A template is for WhatsApp only; other platforms take the text.');
  const spec = templates.find((t) => t.name === asked.name);
  if (!spec) {
    const names = templates.map((t) => t.name).join(', ') || 'none yet';
    throw new AppError('validation_failed', `The bot has no template "${asked.name}" (it has: ${names}). Add it to the bot's whatsappTemplates as approved in WhatsApp Manager.`);
  }
  const schema = z.strictObject(Object.fromEntries(spec.parameters.map((name) => [name, z.string().trim().min(1).max(1024)])));
  const values = schema.safeParse(asked.parameters);
  if (!values.success) {
    const problems = values.error.issues.map((issue) => `${issue.path.join('.') || 'parameters'}: ${issue.message}`).join('; ');
    throw new AppError('validation_failed', `Template "${spec.name}" takes ${spec.parameters.join(', ') || 'no parameters'}: ${problems}`);
  }
  return { name: spec.name, language: spec.language, parameters: spec.parameters.map((name) => values.data[name]!) };
}
