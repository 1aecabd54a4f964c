import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiResponse, File, Message, Opts } from '@grammyjs/types';
import { z } from 'zod';
import { splitChatId, threadChatId } from '../conversations/shared-space';
import type { Choice } from '../conversations/choices';
import { downloadBytes, type DownloadedMedia, MediaTooLarge } from '../media/download';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import { toPlainText, toTelegramHtml } from '../formatting/dialects';
import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';
import type { MessagingPlatform, WebhookRequest } from './messaging-platform';
import type { DeliveryReceipt } from './platform-adapter';
import { registerTelegramWebhook } from './telegram-webhook';
import { parseTelegramUpdate } from './telegram-update';

export const TelegramCredentialsSchema = z.object({
  /** The token @BotFather gave the bot, `123456789:AA…`. */
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must be a token from @BotFather, like 123456789:AAF…'),
  /** The `secret_token` passed to setWebhook; Telegram allows 1-256 of A-Z, a-z, 0-9, "_" and "-". */
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, "_" and "-"'),
});
export type TelegramCredentials = z.infer<typeof TelegramCredentialsSchema>;

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** A hung connection becomes a transient error well inside the send activity's 30 s. */
const SEND_TIMEOUT_MS = 20_000;


/**
 * Telegram Bot API: webhooks carry `X-Telegram-Bot-Api-Secret-Token`, one Update per request;
 * replies go out through `sendMessage` as plain text (no parse_mode, so model output is never
 * rejected as bad markup).
 */
export const telegram: MessagingPlatform<TelegramCredentials> = {
  platform: 'telegram',
  credentialsSchema: TelegramCredentialsSchema,
  about: {
    credentialVariables: { botToken: 'TELEGRAM_BOT_TOKEN', secretToken: 'TELEGRAM_SECRET_TOKEN' },
    apiBaseUrl: { variable: 'TELEGRAM_API_BASE_URL', default: 'https://api.telegram.org' },
    signatureHeaders: ['X-Telegram-Bot-Api-Secret-Token'],
    credentialsExample: { botToken: '123456789:AAF…', secretToken: 'a-long-random-secret' },
  },
  setUpWebhook: registerTelegramWebhook,
  verifyRequest: verifyTelegramSecret,
  parseWebhook: ({ botId, body, receivedAt }) => parseTelegramUpdate(botId, body, receivedAt),
  acknowledge: ({ token, credentials, baseUrl }) => answerCallbackQuery({ baseUrl, botToken: credentials.botToken, callbackQueryId: token }),
  fetchMedia: ({ attachment, credentials, baseUrl, maxBytes }) => fetchTelegramFile({ baseUrl, botToken: credentials.botToken, fileId: attachment.ref, maxBytes }),
  sendMessage: ({ reply, credentials, baseUrl }) =>
    reply.attachment
      ? sendTelegramFile({ baseUrl, botToken: credentials.botToken, chatId: reply.key.chatId, file: reply.attachment, replyContext: reply.replyContext })
      : sendTelegramMessage({ baseUrl, botToken: credentials.botToken, chatId: reply.key.chatId, text: reply.text, replyContext: reply.replyContext, choices: reply.choices }),
  // A chat action cannot be taken back: it fades after 5 s, or when the reply arrives.
  sendTyping: async ({ typing, credentials, baseUrl, abort }) => {
    if (typing.state === 'start') await sendTelegramTyping({ baseUrl, botToken: credentials.botToken, chatId: typing.key.chatId, replyContext: typing.replyContext, abort });
  },
};

/** Telegram does not sign updates: the secret given to setWebhook comes back in a header. */
export function verifyTelegramSecret(request: WebhookRequest, credentials: TelegramCredentials): boolean {
  const given = request.headers.get(SECRET_HEADER);
  if (given === null) return false;
  // Hashing both sides gives equal lengths, so the comparison leaks neither content nor length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(credentials.secretToken));
}

/** The failure types a send can end with, for admins reading `conversations.last_error`. */
export const TelegramFailureType = {
  rateLimited: 'TelegramRateLimited',
  botBlocked: 'TelegramBotBlocked',
  chatNotFound: 'TelegramChatNotFound',
  unauthorized: 'TelegramUnauthorized',
  badRequest: 'TelegramBadRequest',
} as const;

/**
 * Sends one part through `sendMessage`. Retries stay Temporal's: this throws a rate-limit failure
 * carrying Telegram's `retry_after`, a permanent failure when retrying cannot help, and a plain
 * error (network, 5xx) otherwise. A group that became a supergroup gets the reply at its new id.
 */
export async function sendTelegramMessage(args: {
  baseUrl: string;
  botToken: string;
  chatId: string;
  text: string;
  replyContext?: Record<string, string>;
  /** Set when this call already follows a group's migration; it is followed once. */
  migratedFrom?: string;
  /** Set when Telegram refused the markup: the same part goes as plain text. */
  plain?: true;
  choices?: Choice[];
}): Promise<DeliveryReceipt> {
  const { baseUrl, botToken, replyContext } = args;
  // The model writes markdown: Telegram gets it as HTML, with everything else escaped.
  const text = args.plain ? toPlainText(args.text) : toTelegramHtml(args.text);
  const { chat: chatId, thread } = splitChatId(args.chatId);
  // A topic's conversation answers in its topic; older conversations carried the topic in the context.
  const threadId = thread ?? replyContext?.messageThreadId;
  const replyTo = replyContext?.replyToMessageId;
  // chat_id stays the string we received: Telegram accepts it, and no 52-bit id is ever rounded.
  const body: Opts<never>['sendMessage'] = {
    chat_id: chatId,
    text,
    ...(!args.plain && { parse_mode: 'HTML' as const }),
    ...(threadId && { message_thread_id: Number(threadId) }),
    // Quote the message answered, and still send if the person deleted it meanwhile.
    ...(replyTo && { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } }),
    // Choices as an inline keyboard, one button a row; a press comes back as a callback_query.
    ...(args.choices && { reply_markup: { inline_keyboard: args.choices.map((c) => [{ text: c.title, callback_data: c.id }]) } }),
  };
  const response = await fetch(`${baseUrl}/bot${botToken}/sendMessage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const answer = await readAnswer(response);
  if (answer?.ok) return { platformMessageIds: [String(answer.result.message_id)] };

  const description = answer?.description ?? `HTTP ${response.status}`;
  // Markup Telegram cannot read never fails a reply: the same part goes again as plain text.
  if (response.status === 400 && !args.plain && /can't parse entities/i.test(description)) return sendTelegramMessage({ ...args, plain: true });
  const migratedTo = answer?.parameters?.migrate_to_chat_id;
  if (migratedTo !== undefined && args.migratedFrom === undefined) {
    const movedTo = thread === undefined ? String(migratedTo) : threadChatId(String(migratedTo), thread);
    return sendTelegramMessage({ ...args, chatId: movedTo, migratedFrom: chatId });
  }
  throw failureFor(response, description, answer?.parameters?.retry_after);
}

/** `sendChatAction` with `typing`, in the conversation's forum topic when it is one. Throws on any refusal. */
export async function sendTelegramTyping(args: {
  baseUrl: string;
  botToken: string;
  chatId: string;
  replyContext?: Record<string, string>;
  abort: AbortSignal;
}): Promise<void> {
  const { chat: chatId, thread } = splitChatId(args.chatId);
  const threadId = thread ?? args.replyContext?.messageThreadId;
  const body: Opts<never>['sendChatAction'] = { chat_id: chatId, action: 'typing', ...(threadId && { message_thread_id: Number(threadId) }) };
  const response = await fetch(`${args.baseUrl}/bot${args.botToken}/sendChatAction`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: args.abort,
  });
  const answer = await readAnswer(response);
  if (!answer?.ok) throw new Error(`Telegram sendChatAction failed: ${response.status} ${answer?.description ?? ''}`.trim());
}

async function readAnswer(response: Response): Promise<ApiResponse<Message.TextMessage> | undefined> {
  try {
    return (await response.json()) as ApiResponse<Message.TextMessage>;
  } catch {
    return undefined; // a proxy's HTML error page, say: the status decides
  }
}

function failureFor(response: Response, description: string, retryAfterSeconds: number | undefined, method = 'sendMessage'): Error {
  const status = response.status;
  const message = `Telegram ${method} failed: ${status} ${description}`;
  if (status === 429) {
    const retryAfterMs = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : parseRetryAfterMs(response.headers.get('retry-after'));
    return rateLimitedFailure(message, retryAfterMs, TelegramFailureType.rateLimited);
  }
  // Telegram answers 404 to a token that does not exist, 401 to one that was revoked.
  if (status === 401 || status === 404) return permanentFailure(message, TelegramFailureType.unauthorized);
  // Blocked by the user, user deactivated, bot kicked from the group or not a member.
  if (status === 403) return permanentFailure(message, TelegramFailureType.botBlocked);
  if (status === 400 && /chat not found/i.test(description)) return permanentFailure(message, TelegramFailureType.chatNotFound);
  // Any other 400 (empty text, a thread that was deleted) fails the same way on every attempt.
  if (status === 400) return permanentFailure(message, TelegramFailureType.badRequest);
  return new Error(message);
}

/** The Bot API serves files of at most 20 MB to bots; getFile refuses bigger ones. */
const BOT_API_FILE_LIMIT = 20 * 1024 * 1024;

/**
 * Downloads a file people sent: `getFile` names its path (and size), then
 * `{base}/file/bot{token}/{file_path}` serves it. The link is valid for an hour, so each attempt
 * asks again.
 */
export async function fetchTelegramFile(args: { baseUrl: string; botToken: string; fileId: string; maxBytes: number }): Promise<DownloadedMedia> {
  const response = await fetch(`${args.baseUrl}/bot${args.botToken}/getFile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file_id: args.fileId }),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const answer = (await response.json().catch(() => undefined)) as ApiResponse<File> | undefined;
  if (!answer?.ok) {
    const description = answer?.description ?? `HTTP ${response.status}`;
    if (/file is too big/i.test(description)) throw new MediaTooLarge(Math.min(args.maxBytes, BOT_API_FILE_LIMIT));
    throw failureFor(response, description, answer?.parameters?.retry_after, 'getFile');
  }
  const { file_path: path, file_size: size } = answer.result;
  if (size !== undefined && size > args.maxBytes) throw new MediaTooLarge(args.maxBytes);
  if (!path) throw permanentFailure('Telegram getFile named no file_path', 'MediaUnavailable');
  return downloadBytes({ url: `${args.baseUrl}/file/bot${args.botToken}/${path}`, maxBytes: args.maxBytes, what: 'Telegram file download' });
}

/**
 * Sends a file by URL: `sendPhoto` for an image (Telegram fetches up to 5 MB), `sendDocument` for
 * anything else (up to 20 MB). A URL Telegram cannot fetch is a permanent 400: the send path then
 * sends the link as text.
 */
export async function sendTelegramFile(args: { baseUrl: string; botToken: string; chatId: string; file: OutboundAttachment; replyContext?: Record<string, string> }): Promise<DeliveryReceipt> {
  const { chat: chatId, thread } = splitChatId(args.chatId);
  const threadId = thread ?? args.replyContext?.messageThreadId;
  const method = args.file.kind === 'image' ? 'sendPhoto' : 'sendDocument';
  const body = {
    chat_id: chatId,
    ...(args.file.kind === 'image' ? { photo: args.file.url } : { document: args.file.url }),
    ...(threadId && { message_thread_id: Number(threadId) }),
  };
  const response = await fetch(`${args.baseUrl}/bot${args.botToken}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const answer = await readAnswer(response);
  if (answer?.ok) return { platformMessageIds: [String(answer.result.message_id)] };
  throw failureFor(response, answer?.description ?? `HTTP ${response.status}`, answer?.parameters?.retry_after, method);
}

/** Stops the button's spinner: Telegram shows it until the press is answered. */
export async function answerCallbackQuery(args: { baseUrl: string; botToken: string; callbackQueryId: string }): Promise<void> {
  const response = await fetch(`${args.baseUrl}/bot${args.botToken}/answerCallbackQuery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callback_query_id: args.callbackQueryId }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`Telegram answerCallbackQuery failed: ${response.status}`);
}
