import { Hono } from 'hono';
import { z } from 'zod';
import type { BotDirectory } from '../../bots/bot-directory';
import type { MessageIntake } from '../../conversations/message-intake';
import type { AppEnv } from '../app-env';
import { readJsonBody, readQuery } from '../json-body';
import { acceptMessage, acceptMessageAndWait, requireBot } from '../message-acceptance';

const opaqueId = z.string().min(1).max(256);

export const ApiChannelMessageSchema = z.object({
  chatId: opaqueId,
  userId: opaqueId,
  messageId: opaqueId,
  text: z.string().trim().min(1, 'must not be empty').max(8000),
});

const ApiChannelQuerySchema = z.object({ wait: z.enum(['true', 'false']).optional() });

export interface ApiChannelRoutesDeps {
  bots: BotDirectory;
  intake: MessageIntake;
  replyWaitTimeoutMs: number;
}

/** The API channel: integrators post messages; `?wait=true` returns the reply in the response. */
export function createApiChannelRoutes({ bots, intake, replyWaitTimeoutMs }: ApiChannelRoutesDeps) {
  const app = new Hono<AppEnv>();

  app.post('/:botId/messages', async (c) => {
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
    return c.json({ accepted: true, messageId: body.messageId, reply: outcome }, 200);
  });

  return app;
}
