import type { InboundMessage } from '../../src/conversations/inbound-message';
import { telegramHeaders } from '../../test/fakes/webhook-signers';
import { benchText } from './reply-watch';

/** Credentials of the benchmark bot's Telegram channel; the fake Telegram knows the token. */
export const TELEGRAM = { botToken: '123456:bench-token', secretToken: 'bench-secret' } as const;

let updateId = 1;

/** A documented private-chat text update, signed with the secret token, saying `bench <token>`. */
export function telegramWebhook(chatId: number, token: string): { body: string; headers: Record<string, string> } {
  const id = updateId++;
  const body = JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private' },
      from: { id: chatId, is_bot: false, first_name: 'Ada' },
      text: benchText(token),
    },
  });
  return { body, headers: telegramHeaders(TELEGRAM.secretToken) };
}

/** Posts a webhook to `webhookUrl`; throws unless it is answered 2xx. */
export async function postTelegramWebhook(webhookUrl: string, chatId: number, token: string): Promise<void> {
  const { body, headers } = telegramWebhook(chatId, token);
  const response = await fetch(webhookUrl, { method: 'POST', headers, body });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
}

/** The message the webhook above becomes once parsed, for calling Temporal without HTTP. */
export function telegramInbound(botId: string, chatId: number, token: string): InboundMessage {
  const id = updateId++;
  return {
    botId,
    platform: 'telegram',
    chatId: String(chatId),
    userId: String(chatId),
    messageId: String(id),
    text: benchText(token),
    attachments: [],
    receivedAt: new Date().toISOString(),
  };
}
