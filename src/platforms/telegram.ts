import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiResponse, File, Message, Opts } from '@grammyjs/types';
import { z } from 'zod';
import { type Attachment, type InboundMessage, withUserName } from '../conversations/inbound-message';
import { splitChatId, threadChatId } from '../conversations/shared-space';
import type { MessageChange } from '../conversations/message-change';
import type { Choice } from '../conversations/choices';
import { downloadBytes, type DownloadedMedia, MediaTooLarge } from '../media/download';
import { contactText, locationText } from '../media/readable-attachments';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import { toPlainText, toTelegramHtml } from '../formatting/dialects';
import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';
import type { MessagingPlatform, WebhookOutcome, WebhookRequest } from './messaging-platform';
import type { DeliveryReceipt } from './platform-adapter';
import { registerTelegramWebhook } from './telegram-webhook';

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

const FileSchema = z.object({ file_id: z.string(), mime_type: z.string().optional(), file_name: z.string().optional() });

/** A User: its id, and the name people see. */
const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

/** How Telegram shows a user: first and last name, else @username. */
function telegramUserName(user: z.infer<typeof UserSchema>): string | undefined {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || (user.username && `@${user.username}`) || undefined;
}

/** A Message, as far as this adapter reads it. */
const MessageSchema = z.object({
      message_id: z.number().int(),
      message_thread_id: z.number().int().optional(),
      is_topic_message: z.boolean().optional(),
      is_automatic_forward: z.boolean().optional(),
      chat: z.object({ id: z.number().int(), type: z.string().optional() }),
      from: UserSchema.optional(),
      text: z.string().optional(),
      caption: z.string().optional(),
      photo: z.array(FileSchema).optional(),
      voice: FileSchema.optional(),
      audio: FileSchema.optional(),
      document: FileSchema.optional(),
      video: FileSchema.optional(),
      video_note: FileSchema.optional(),
      animation: FileSchema.optional(),
      sticker: FileSchema.optional(),
      location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
      venue: z.object({ location: z.object({ latitude: z.number(), longitude: z.number() }), title: z.string(), address: z.string() }).optional(),
      contact: z.object({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional() }).optional(),
    });

const ReactionSchema = z.array(z.object({ type: z.string(), emoji: z.string().optional() }));

/** The part of an Update this adapter reads. Telegram's own examples omit `is_bot` and `chat.type`. */
const UpdateSchema = z.object({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  edited_message: MessageSchema.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: UserSchema,
      data: z.string().optional(),
      message: z
        .object({
          message_id: z.number().int(),
          message_thread_id: z.number().int().optional(),
          is_topic_message: z.boolean().optional(),
          chat: z.object({ id: z.number().int(), type: z.string().optional() }),
          reply_markup: z.object({ inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))) }).optional(),
        })
        .optional(),
    })
    .optional(),
  message_reaction: z
    .object({
      chat: z.object({ id: z.number().int() }),
      message_id: z.number().int(),
      user: z.object({ id: z.number().int() }).optional(),
      new_reaction: ReactionSchema,
      old_reaction: ReactionSchema,
    })
    .optional(),
});
type TelegramMessage = z.infer<typeof MessageSchema>;

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

/**
 * Turns one Update into the bot's message, or says why it is not one. Only new messages from
 * people count: edits, channel posts (a broadcast, with no person to answer) and their automatic
 * forwards, button presses, membership changes, reactions, service messages and bots' messages
 * (anonymous group admins among them: Telegram shows them as a bot) are ignored.
 */
export function parseTelegramUpdate(botId: string, body: unknown, receivedAt: string): WebhookOutcome {
  const parsed = UpdateSchema.safeParse(body);
  if (!parsed.success) return { kind: 'ignored', reason: 'not a Telegram update' };
  const { update_id: updateId, message, edited_message: edited, message_reaction: reaction } = parsed.data;
  // An edit or a reaction changes the stored message; the bot answers neither.
  if (edited) {
    const text = edited.text ?? edited.caption;
    if (text === undefined) return { kind: 'ignored', reason: 'an edit without text' };
    return { kind: 'changes', changes: [{ kind: 'edit', ref: telegramNativeId(edited), text }] };
  }
  if (reaction) return reactionChanges(reaction);
  if (parsed.data.callback_query) return pressOf(botId, parsed.data.callback_query, receivedAt);
  if (!message) return { kind: 'ignored', reason: `update kind "${updateKind(body)}"` };
  if (!message.from) return { kind: 'ignored', reason: 'message without a sender' };
  if (message.from.is_bot) return { kind: 'ignored', reason: 'message from a bot' };
  if (message.is_automatic_forward) return { kind: 'ignored', reason: 'channel post forwarded into its discussion group' };

  const attachments = attachmentsOf(message);
  const text = message.text ?? message.caption ?? '';
  if (text.trim() === '' && attachments.length === 0) return { kind: 'ignored', reason: 'service message or unsupported content' };

  const inbound: InboundMessage = {
    botId,
    platform: 'telegram',
    chatId: telegramConversationChatId(message),
    userId: String(message.from.id),
    ...withUserName(telegramUserName(message.from)),
    // update_id is what Telegram repeats when it redelivers; message_id is only unique per chat.
    messageId: String(updateId),
    // Edits and reactions name the message by its chat and message_id.
    nativeId: telegramNativeId(message),
    text,
    attachments,
    receivedAt,
  };
  // In a group, the reply quotes the message it answers: several people may be talking at once.
  if (isGroup(message)) inbound.replyContext = { replyToMessageId: String(message.message_id) };
  return { kind: 'messages', messages: [inbound] };
}

/**
 * Which conversation a Telegram message belongs to: a forum topic is one of its own,
 * `{chat id}/{message_thread_id}`, so that its replies land in the topic, not in "General"; every
 * other chat is one conversation, keyed by its id, as before.
 */
export function telegramConversationChatId(message: Pick<TelegramMessage, 'chat' | 'is_topic_message' | 'message_thread_id'>): string {
  const chat = String(message.chat.id);
  if (message.is_topic_message && message.message_thread_id !== undefined) return threadChatId(chat, String(message.message_thread_id));
  return chat;
}

function isGroup(message: TelegramMessage): boolean {
  return message.chat.type === 'group' || message.chat.type === 'supergroup';
}

/**
 * A press of an inline-keyboard button: a message carrying the choice's id, its text the button's
 * title as the keyboard still shows it. Keyed by the message and the choice, so a second press of
 * the same button is a duplicate. Every press is acknowledged (answerCallbackQuery), even one ignored.
 */
function pressOf(botId: string, query: NonNullable<z.infer<typeof UpdateSchema>['callback_query']>, receivedAt: string): WebhookOutcome {
  const { message, data } = query;
  if (!message || data === undefined) return { kind: 'messages', messages: [], acknowledge: [query.id] };
  const title = message.reply_markup?.inline_keyboard.flat().find((button) => button.callback_data === data)?.text ?? data;
  const inbound: InboundMessage = {
    botId,
    platform: 'telegram',
    chatId: telegramConversationChatId(message),
    userId: String(query.from.id),
    ...withUserName(telegramUserName(query.from)),
    messageId: `press:${message.chat.id}:${message.message_id}:${data}`,
    text: title,
    attachments: [],
    receivedAt,
    payload: data,
    pressOf: String(message.message_id),
  };
  return { kind: 'messages', messages: [inbound], acknowledge: [query.id] };
}

/** How edits and reactions name a message: its chat and its message_id. */
function telegramNativeId(message: { chat: { id: number }; message_id: number }): string {
  return `${message.chat.id}:${message.message_id}`;
}

/** A `message_reaction` update: the emoji added and removed, by comparing the old reactions with the new. */
function reactionChanges(update: NonNullable<z.infer<typeof UpdateSchema>['message_reaction']>): WebhookOutcome {
  if (!update.user) return { kind: 'ignored', reason: 'an anonymous reaction' };
  const emoji = (list: typeof update.new_reaction) => list.flatMap((r) => (r.type === 'emoji' && r.emoji ? [r.emoji] : []));
  const [before, after] = [emoji(update.old_reaction), emoji(update.new_reaction)];
  // A person's own message by its chat and message_id; the bot's reply by the message_id its send returned.
  const target = { ref: telegramNativeId(update), reply: { chatId: String(update.chat.id), platformMessageId: String(update.message_id) }, userId: String(update.user.id) };
  const changes: MessageChange[] = [
    ...before.filter((e) => !after.includes(e)).map((e) => ({ kind: 'reaction' as const, ...target, emoji: e, added: false })),
    ...after.filter((e) => !before.includes(e)).map((e) => ({ kind: 'reaction' as const, ...target, emoji: e, added: true })),
  ];
  return changes.length > 0 ? { kind: 'changes', changes } : { kind: 'ignored', reason: 'a reaction that changed nothing' };
}

function updateKind(body: unknown): string {
  return Object.keys(body as object).find((key) => key !== 'update_id') ?? 'empty';
}

/** Media as metadata: Telegram's `file_id` is the handle getFile downloads it by. */
function attachmentsOf(message: TelegramMessage): Attachment[] {
  const file = (kind: Attachment['kind'], f: z.infer<typeof FileSchema>): Attachment => ({
    kind,
    ref: f.file_id,
    ...(f.mime_type && { mimeType: f.mime_type }),
    ...(f.file_name && { name: f.file_name }),
  });
  const attachments: Attachment[] = [];
  // Sizes come smallest first: the last one is the original.
  const photo = message.photo?.at(-1);
  if (photo) attachments.push(file('image', photo));
  if (message.voice) attachments.push(file('audio', message.voice));
  if (message.audio) attachments.push(file('audio', message.audio));
  if (message.video) attachments.push(file('video', message.video));
  if (message.video_note) attachments.push(file('video', message.video_note));
  // An animation (GIF) also arrives as `document`: one attachment, not two.
  if (message.animation) attachments.push(file('video', message.animation));
  else if (message.document) attachments.push(file('file', message.document));
  if (message.sticker) attachments.push(file('sticker', message.sticker));
  // A venue comes with its location too: one attachment, named.
  const place = message.venue ? { ...message.venue.location, name: message.venue.title, address: message.venue.address } : message.location;
  if (place) attachments.push({ kind: 'location', ref: `geo:${place.latitude},${place.longitude}`, text: locationText(place) });
  if (message.contact) {
    const { first_name: first, last_name: last, phone_number: phone } = message.contact;
    attachments.push({ kind: 'contact', ref: phone, text: contactText({ name: [first, last].filter(Boolean).join(' '), phones: [phone] }) });
  }
  return attachments;
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
