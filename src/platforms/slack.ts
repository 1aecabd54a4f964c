import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Attachment, InboundMessage } from '../conversations/inbound-message';
import { splitChatId, threadChatId } from '../conversations/shared-space';
import { downloadBytes, type DownloadedMedia, fetchJson, MediaTooLarge } from '../media/download';
import { attachmentLinkText } from '../conversations/outbound-attachment';
import type { MessageChange } from '../conversations/message-change';
import { toSlackMrkdwn } from '../formatting/dialects';
import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';
import type { MessagingPlatform, WebhookOutcome, WebhookRequest } from './messaging-platform';
import type { DeliveryReceipt, OutboundReply } from './platform-adapter';
import { consoleSetup } from './webhook-setup';

export const SlackCredentialsSchema = z.object({ botToken: z.string().min(1), signingSecret: z.string().min(1) });
export type SlackCredentials = z.infer<typeof SlackCredentialsSchema>;

/** Slack signs the request time with the body; anything older is treated as a replay. */
const SIGNATURE_WINDOW_SECONDS = 300;

/** A send that hangs is retried by Temporal; well inside the activity's start-to-close timeout. */
const SEND_TIMEOUT_MS = 10_000;

/** Message subtypes that a person writes: a message with files, a thread reply also sent to the channel. */
const PERSON_SUBTYPES = new Set(['file_share', 'thread_broadcast']);

/** `ok:false` errors that say "try again later" rather than "this request will never work". */
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
const RATE_LIMIT_ERRORS = new Set(['ratelimited', 'rate_limited']);

const UrlVerificationSchema = z.object({ type: z.literal('url_verification'), challenge: z.string() });

const EventCallbackSchema = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().optional(),
  authorizations: z.array(z.object({ user_id: z.string().nullish(), is_bot: z.boolean().nullish() })).nullish(),
  authed_users: z.array(z.string()).nullish(),
  event: z.looseObject({ type: z.string(), subtype: z.string().nullish(), bot_id: z.string().nullish() }),
});
type EventCallback = z.infer<typeof EventCallbackSchema>;

const FileSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
});

const MessageEventSchema = z.object({
  type: z.enum(['message', 'app_mention']),
  user: z.string().min(1),
  channel: z.string().min(1),
  ts: z.string().min(1),
  thread_ts: z.string().nullish(),
  channel_type: z.string().nullish(),
  text: z.string().nullish(),
  files: z.array(FileSchema).nullish(),
});
type MessageEvent = z.infer<typeof MessageEventSchema>;

/**
 * Slack's Events API over HTTP: a v0 HMAC over the raw body with a five-minute window, the
 * url_verification handshake, `message` and `app_mention` events in, `chat.postMessage` out.
 */
export const slack: MessagingPlatform<SlackCredentials> = {
  platform: 'slack',
  credentialsSchema: SlackCredentialsSchema,
  about: {
    credentialVariables: { botToken: 'SLACK_BOT_TOKEN', signingSecret: 'SLACK_SIGNING_SECRET' },
    apiBaseUrl: { variable: 'SLACK_API_BASE_URL', default: 'https://slack.com' },
    signatureHeaders: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'],
    credentialsExample: { botToken: 'xoxb-…', signingSecret: '8f14e45f…' },
  },
  // Slack's API cannot set a Request URL: the app's settings can. These are the events parseSlackWebhook reads.
  setUpWebhook: ({ webhookUrl }) =>
    consoleSetup(
      'https://api.slack.com/apps → your app',
      {
        'Event Subscriptions → Request URL': webhookUrl,
        'Event Subscriptions → Subscribe to bot events':
          'app_mention, message.im, reaction_added, reaction_removed (to answer every message in channels the bot is in: also message.channels, message.groups, message.mpim)',
        'OAuth & Permissions → Bot Token Scopes':
          'app_mentions:read, chat:write, im:history, reactions:read (with the channel events: also channels:history, groups:history, mpim:history)',
        'App Home → Messages Tab': 'on, with "Allow users to send Slash commands and messages from the messages tab" ticked',
      },
      'Store the credentials first (PUT /v1/bots/{botId}/channels/slack): Slack verifies the Request URL with a signed challenge. Reinstall the app when Slack asks.',
    ),
  verifyRequest: (request, credentials, now) => verifySlackSignature(request, credentials.signingSecret, now),
  readsInteractions: true,
  parseWebhook: ({ botId, body, receivedAt }) => parseSlackWebhook({ botId, body, receivedAt }),
  fetchMedia: ({ attachment, credentials, baseUrl, maxBytes }) => fetchSlackFile({ baseUrl, botToken: credentials.botToken, fileId: attachment.ref, maxBytes }),
  sendMessage: ({ reply, credentials, baseUrl }) => sendSlackMessage({ reply, botToken: credentials.botToken, baseUrl }),
};

/**
 * True when `X-Slack-Signature` is `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`)
 * and the timestamp is within five minutes of `now`, so a captured request cannot be replayed later.
 */
export function verifySlackSignature(request: WebhookRequest, signingSecret: string, now: Date): boolean {
  const timestamp = request.headers.get('x-slack-request-timestamp') ?? '';
  const signature = request.headers.get('x-slack-signature') ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_SECONDS) return false;
  const expected = Buffer.from(
    `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(request.rawBody).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Reads a verified Slack request: the url_verification challenge, or one person's message. Every
 * other event Slack sends (edits, deletes, joins, bot posts, our own posts, reactions) is ignored
 * with a 200, so Slack does not retry it.
 */
export function parseSlackWebhook({ botId, body, receivedAt }: { botId: string; body: unknown; receivedAt: string }): WebhookOutcome {
  const handshake = UrlVerificationSchema.safeParse(body);
  if (handshake.success) return { kind: 'reply', reply: { status: 200, text: handshake.data.challenge } };
  const press = BlockActionsSchema.safeParse(body);
  if (press.success) return slackPress(botId, press.data, receivedAt);

  const envelope = EventCallbackSchema.safeParse(body);
  if (!envelope.success) return { kind: 'ignored', reason: `Slack payload of type ${describeType(body)}` };
  const { event } = envelope.data;
  const change = slackChange(event, botUserIdsOf(envelope.data));
  if (change) return { kind: 'changes', changes: [change] };
  if (event.type !== 'message' && event.type !== 'app_mention') return { kind: 'ignored', reason: `Slack ${event.type} event` };
  if (event.subtype && !PERSON_SUBTYPES.has(event.subtype)) return { kind: 'ignored', reason: `Slack ${event.subtype} message` };
  if (event.bot_id) return { kind: 'ignored', reason: 'Slack message from a bot' };

  const parsed = MessageEventSchema.safeParse(event);
  if (!parsed.success) return { kind: 'ignored', reason: `Slack ${event.type} event without user, channel or ts` };
  const message = parsed.data;
  const botUserIds = botUserIdsOf(envelope.data);
  if (botUserIds.includes(message.user)) return { kind: 'ignored', reason: "the bot's own Slack message" };

  const text = readSlackText(message.text ?? '', botUserIds);
  const attachments = (message.files ?? []).map(toAttachment);
  if (!text && attachments.length === 0) return { kind: 'ignored', reason: 'Slack message without text or files' };

  const inbound: InboundMessage = {
    botId,
    platform: 'slack',
    chatId: slackConversationChatId(message),
    userId: message.user,
    messageId: slackMessageKey(message),
    text,
    attachments,
    receivedAt,
    // In a direct message, a reply goes in the thread only when the person wrote in one.
    ...(message.thread_ts && { replyContext: { thread_ts: message.thread_ts } }),
  };
  return { kind: 'messages', messages: [inbound] };
}

/**
 * Which conversation a Slack message belongs to. A direct message belongs to its channel, as
 * before. In a channel, group or multi-person DM, each thread is a conversation of its own,
 * `{channel}/{root ts}`; a top-level message opens a thread, and the bot answers in it. So two
 * people in two threads never share a turn, a memory or a reply.
 */
export function slackConversationChatId(message: Pick<MessageEvent, 'channel' | 'ts' | 'thread_ts' | 'channel_type'>): string {
  if (isDirectMessage(message)) return message.channel;
  return threadChatId(message.channel, message.thread_ts ?? message.ts);
}

/** `app_mention` events carry no `channel_type`; a direct message's channel id starts with D. */
function isDirectMessage(message: Pick<MessageEvent, 'channel' | 'channel_type'>): boolean {
  return message.channel_type ? message.channel_type === 'im' : message.channel.startsWith('D');
}

/**
 * The dedupe key of a Slack message: its channel and `ts`, which is how Slack itself names a
 * message. A retried delivery (`X-Slack-Retry-Num`) carries the same pair, with or without an
 * `event_id`; and the `message` and `app_mention` events Slack sends for one mention (each with its
 * own `event_id`) share it too, so a mention gets one reply, not two.
 */
export function slackMessageKey(message: Pick<MessageEvent, 'channel' | 'ts'>): string {
  return `${message.channel}:${message.ts}`;
}

/**
 * Posts one part with `chat.postMessage`. HTTP 429 and `ratelimited` retry after `Retry-After`;
 * 5xx and Slack's own transient errors retry with backoff; every other `ok:false` error (channel
 * gone, bot removed, token revoked, bad request) stops, because repeating the call cannot help.
 */
export async function sendSlackMessage({ reply, botToken, baseUrl }: { reply: OutboundReply; botToken: string; baseUrl: string }): Promise<DeliveryReceipt> {
  // A thread's conversation answers in its thread, operators' messages included.
  const { chat: channel, thread } = splitChatId(reply.key.chatId);
  const threadTs = thread ?? reply.replyContext?.thread_ts;
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ channel, ...slackContent(reply), ...(threadTs && { thread_ts: threadTs }) }),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
  if (response.status === 429) throw rateLimitedFailure('Slack rate limited chat.postMessage', retryAfterMs, 'SlackRateLimited');
  if (response.status >= 500) throw new Error(`Slack answered chat.postMessage with HTTP ${response.status}`);

  const body = (await response.json().catch(() => undefined)) as { ok?: unknown; ts?: unknown; error?: unknown } | undefined;
  if (response.ok && body?.ok === true && typeof body.ts === 'string') return { platformMessageIds: [body.ts] };
  if (typeof body?.error === 'string') throw slackErrorFailure(body.error, retryAfterMs);
  if (response.ok) throw new Error('Slack answered chat.postMessage with neither ok nor an error');
  throw permanentFailure(`Slack answered chat.postMessage with HTTP ${response.status}`, `SlackHttp${response.status}`);
}

/** Maps a Slack Web API `error` code onto what a retry must do. */
function slackErrorFailure(error: string, retryAfterMs: number | undefined): Error {
  if (RATE_LIMIT_ERRORS.has(error)) return rateLimitedFailure(`Slack rate limited chat.postMessage: ${error}`, retryAfterMs, 'SlackRateLimited');
  if (TRANSIENT_ERRORS.has(error)) return new Error(`Slack could not post the message right now: ${error}`);
  return permanentFailure(`Slack refused the message: ${error}`, slackFailureType(error));
}

/** `channel_not_found` → `SlackChannelNotFound`: the failure type admins see on the conversation. */
export function slackFailureType(error: string): string {
  const words = error.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  return `Slack${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Error'}`;
}

/**
 * The bot's own user ids, from the event's `authorizations` (the bot installation, `is_bot`), or
 * from the legacy `authed_users` list when a payload has no `authorizations`.
 */
function botUserIdsOf(envelope: EventCallback): string[] {
  if (envelope.authorizations) {
    return envelope.authorizations.filter((a) => a.is_bot && a.user_id).map((a) => a.user_id!);
  }
  return envelope.authed_users ?? [];
}

/** Slack escapes `&`, `<` and `>` in message text; mentions of the bot itself say nothing to the model. */
function readSlackText(text: string, botUserIds: string[]): string {
  const withoutBot = botUserIds.reduce((t, id) => t.split(`<@${id}>`).join(''), text);
  return withoutBot.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/ {2,}/g, ' ').trim();
}

/** Slack reads `&`, `<` and `>` as markup; these three must be escaped and nothing else. */
function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toAttachment(file: z.infer<typeof FileSchema>): Attachment {
  const mimeType = file.mimetype ?? undefined;
  const kind = mimeType?.startsWith('image/') ? 'image' : mimeType?.startsWith('audio/') ? 'audio' : mimeType?.startsWith('video/') ? 'video' : 'file';
  const name = file.name ?? file.title ?? undefined;
  return { kind, ref: file.id, ...(mimeType && { mimeType }), ...(name && { name }) };
}

function describeType(body: unknown): string {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type.slice(0, 40) : 'unknown';
}

const FileInfoSchema = z.object({
  ok: z.literal(true),
  file: z.object({ url_private_download: z.string().url().optional(), url_private: z.string().url().optional(), mimetype: z.string().optional(), size: z.number().optional() }),
});

/**
 * Downloads a shared file: `files.info` (scope `files:read`) names its private URL, which serves
 * the bytes to the bot token.
 */
export async function fetchSlackFile(args: { baseUrl: string; botToken: string; fileId: string; maxBytes: number }): Promise<DownloadedMedia> {
  const headers = { authorization: `Bearer ${args.botToken}` };
  const url = `${args.baseUrl.replace(/\/+$/, '')}/api/files.info?file=${encodeURIComponent(args.fileId)}`;
  const body = await fetchJson({ url, init: { headers }, what: 'Slack files.info' });
  const info = FileInfoSchema.safeParse(body);
  if (!info.success) {
    const error = (body as { error?: unknown } | undefined)?.error;
    throw slackErrorFailure(typeof error === 'string' ? error : 'files.info answered without a file', undefined);
  }
  const { file } = info.data;
  if (file.size !== undefined && file.size > args.maxBytes) throw new MediaTooLarge(args.maxBytes);
  const link = file.url_private_download ?? file.url_private;
  if (!link) throw new Error('Slack files.info named no URL for the file');
  const media = await downloadBytes({ url: link, headers, maxBytes: args.maxBytes, what: 'Slack file download' });
  return { bytes: media.bytes, mimeType: file.mimetype ?? media.mimeType };
}

/**
 * The text, or a file: an image as an image block (Slack fetches the public URL), a document as its
 * link, since Slack takes files only by upload.
 */
function slackContent(reply: OutboundReply): { text: string; blocks?: unknown[] } {
  const file = reply.attachment;
  // The model writes markdown; Slack reads its own mrkdwn (with &, < and > escaped).
  if (!file) {
    const text = toSlackMrkdwn(reply.text);
    if (!reply.choices) return { text };
    // The text stays as the notification's; the buttons come back to the interactions URL.
    const buttons = reply.choices.map((c, i) => ({ type: 'button', text: { type: 'plain_text', text: c.title.slice(0, 75) }, value: c.id, action_id: `choice_${i}` }));
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, { type: 'actions', elements: buttons }] };
  }
  const caption = escapeSlackText(attachmentLinkText(file));
  if (file.kind !== 'image') return { text: caption };
  return { text: caption, blocks: [{ type: 'image', image_url: file.url, alt_text: file.name ?? 'image' }] };
}

const MessageChangedSchema = z.object({
  subtype: z.literal('message_changed'),
  channel: z.string(),
  message: z.object({ ts: z.string(), text: z.string().nullish(), user: z.string().nullish() }),
});
const MessageDeletedSchema = z.object({ subtype: z.literal('message_deleted'), channel: z.string(), deleted_ts: z.string() });
const ReactionSchema = z.object({
  type: z.enum(['reaction_added', 'reaction_removed']),
  user: z.string(),
  reaction: z.string(),
  item: z.object({ type: z.literal('message'), channel: z.string(), ts: z.string() }),
});

/**
 * An edit (`message_changed`), a delete (`message_deleted`) or a reaction to a message: each names
 * the message by its channel and `ts`, as the message's own key does. The bot's own changes are none of ours.
 */
function slackChange(event: EventCallback['event'], botUserIds: string[]): MessageChange | undefined {
  const changed = MessageChangedSchema.safeParse(event);
  if (changed.success) {
    const { channel, message } = changed.data;
    if (message.user && botUserIds.includes(message.user)) return undefined;
    return { kind: 'edit', ref: slackMessageKey({ channel, ts: message.ts }), text: readSlackText(message.text ?? '', botUserIds) };
  }
  const deleted = MessageDeletedSchema.safeParse(event);
  if (deleted.success) return { kind: 'delete', ref: slackMessageKey({ channel: deleted.data.channel, ts: deleted.data.deleted_ts }) };
  const reaction = ReactionSchema.safeParse(event);
  if (reaction.success && !botUserIds.includes(reaction.data.user)) {
    const { item, user, reaction: emoji, type } = reaction.data;
    // A person's message by its key; the bot's reply by the ts chat.postMessage returned.
    return { kind: 'reaction', ref: slackMessageKey(item), reply: { chatId: item.channel, platformMessageId: item.ts }, userId: user, emoji, added: type === 'reaction_added' };
  }
  return undefined;
}

const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string() }),
  channel: z.object({ id: z.string() }),
  message: z.object({ ts: z.string(), thread_ts: z.string().nullish() }),
  actions: z.array(z.object({ value: z.string().nullish(), text: z.object({ text: z.string() }).nullish() })).min(1),
});

/**
 * A press of one of the bot's buttons (`block_actions`, at the interactions URL): a message in the
 * conversation the buttons were posted in, carrying the choice's id, acknowledged with an empty 200
 * within Slack's 3 seconds. Keyed by the message and the choice: a second press is a duplicate.
 */
function slackPress(botId: string, press: z.infer<typeof BlockActionsSchema>, receivedAt: string): WebhookOutcome {
  const ack = { status: 200, text: '' };
  const [action] = press.actions;
  if (!action?.value) return { kind: 'reply', reply: ack };
  const channel = press.channel.id;
  const inbound: InboundMessage = {
    botId,
    platform: 'slack',
    chatId: slackConversationChatId({ channel, ts: press.message.ts, thread_ts: press.message.thread_ts, channel_type: channel.startsWith('D') ? 'im' : 'channel' }),
    userId: press.user.id,
    messageId: `press:${channel}:${press.message.ts}:${action.value}`,
    text: action.text?.text ?? action.value,
    attachments: [],
    receivedAt,
    payload: action.value,
    pressOf: press.message.ts,
  };
  return { kind: 'messages', messages: [inbound], reply: ack };
}
