import { createHash, createPublicKey, verify } from 'node:crypto';
import type {
  APIActionRowComponent,
  APIButtonComponentWithCustomId,
  APIInteractionResponse,
  ApplicationCommandType,
  InteractionType,
  MessageFlags,
  RESTError,
  RESTJSONErrorCodes,
  RESTPatchAPIInteractionOriginalResponseJSONBody,
  RESTPostAPIChannelMessageJSONBody,
  RESTPostAPIInteractionFollowupJSONBody,
  RESTRateLimit,
} from 'discord-api-types/v10';
import { z } from 'zod';
import { type InboundMessage, withUserName } from '../conversations/inbound-message';
import { attachmentLinkText } from '../conversations/outbound-attachment';
import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';
import { CommandDataSchema, commandText, readCommand, stringOption } from './discord-command';
import type { MessagingPlatform, WebhookOutcome, WebhookRequest } from './messaging-platform';
import type { DeliveryReceipt, OutboundReply, TypingSignal } from './platform-adapter';
import { consoleSetup } from './webhook-setup';
import { discordDisplayName } from './discord-names';

export const DiscordCredentialsSchema = z.object({
  applicationId: z.string().min(1),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/i, '64 hex characters'),
  botToken: z.string().min(1),
});
export type DiscordCredentials = z.infer<typeof DiscordCredentialsSchema>;

/** The bot's plain question, `/ask text:<question>`: its text alone is the message. */
export const ASK_COMMAND = { name: 'ask', textOption: 'text' } as const;

// Wire constants, checked against discord-api-types (a dev dependency: types only at run time).
const PING = 1 satisfies InteractionType.Ping;
const APPLICATION_COMMAND = 2 satisfies InteractionType.ApplicationCommand;
const MESSAGE_COMPONENT = 3 satisfies InteractionType.MessageComponent;
const AUTOCOMPLETE = 4 satisfies InteractionType.ApplicationCommandAutocomplete;
const MODAL_SUBMIT = 5 satisfies InteractionType.ModalSubmit;
/** Every interaction type Discord defines; anything else is not a request Discord sends. */
const INTERACTION_TYPES: ReadonlySet<unknown> = new Set([PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT]);
const CHAT_INPUT = 1 satisfies ApplicationCommandType.ChatInput;
const EPHEMERAL = 64 satisfies MessageFlags.Ephemeral;

const PONG: APIInteractionResponse = { type: 1 };
/** "The bot is thinking…": the reply follows through the interaction webhook. */
const DEFERRED_REPLY: APIInteractionResponse = { type: 5 };
const NO_CHOICES: APIInteractionResponse = { type: 8, data: { choices: [] } };

/** Replies never ping anyone: the model's text may contain @everyone or role mentions. */
const NO_MENTIONS = { parse: [] };

/** How long one call to Discord may take before it counts as a transient failure. */
const REQUEST_TIMEOUT_MS = 15_000;

const UserSchema = z.object({ id: z.string().min(1), bot: z.boolean().optional(), username: z.string().optional(), global_name: z.string().nullish() });

/** The parts of an interaction this adapter reads; Discord sends many more fields. */
const InteractionSchema = z.object({
  type: z.number().int(),
  id: z.string().min(1).optional(),
  application_id: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  channel_id: z.string().min(1).optional(),
  channel: z.object({ id: z.string().min(1) }).optional(),
  member: z.object({ user: UserSchema.optional(), nick: z.string().nullish() }).optional(),
  user: UserSchema.optional(),
  data: CommandDataSchema.optional(),
});

/**
 * Discord HTTP interactions: Ed25519-signed webhooks, PING→PONG, and `/ask` answered with a
 * deferred response whose reply later fills in the interaction's "thinking…" message.
 */
export const discord: MessagingPlatform<DiscordCredentials> = {
  platform: 'discord',
  credentialsSchema: DiscordCredentialsSchema,
  about: {
    credentialVariables: { applicationId: 'DISCORD_APPLICATION_ID', publicKey: 'DISCORD_PUBLIC_KEY', botToken: 'DISCORD_BOT_TOKEN' },
    apiBaseUrl: { variable: 'DISCORD_API_BASE_URL', default: 'https://discord.com/api/v10' },
    signatureHeaders: ['X-Signature-Ed25519', 'X-Signature-Timestamp'],
    credentialsExample: { applicationId: '1234567890', publicKey: 'e2c5…(64 hex characters)', botToken: 'MTIz…' },
  },
  // The endpoint URL is set in the Developer Portal, which checks it with a signed PING on saving.
  setUpWebhook: ({ webhookUrl, credentials }) =>
    consoleSetup(
      `https://discord.com/developers/applications/${credentials.applicationId}/information`,
      {
        'Interactions Endpoint URL': webhookUrl,
        'Public Key (must match the stored one)': credentials.publicKey,
      },
      'Save: Discord sends a signed PING and a badly signed request, and keeps the URL only if the server answers PONG and 401, so store the credentials first. Then register the bot\'s slash commands (PUT /applications/{application id}/commands).',
    ),
  verifyRequest: (request, credentials) => verifyDiscordSignature(request, credentials.publicKey),
  parseWebhook: ({ botId, body, credentials, receivedAt }) => parseDiscordInteraction({ botId, body, applicationId: credentials.applicationId, receivedAt }),
  sendMessage: (args) => sendDiscordMessage(args),
  sendTyping: (args) => sendDiscordTyping(args),
};

/** Ed25519 DER prefix for a raw 32-byte public key (SubjectPublicKeyInfo, OID 1.3.101.112). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * True when Discord signed `X-Signature-Timestamp` + the raw body with the app's key. Discord
 * probes endpoints with bad signatures on purpose and disables those that accept them.
 */
export function verifyDiscordSignature(request: WebhookRequest, publicKeyHex: string): boolean {
  const signature = request.headers.get('x-signature-ed25519') ?? '';
  const timestamp = request.headers.get('x-signature-timestamp') ?? '';
  if (!/^[0-9a-f]{128}$/i.test(signature) || timestamp === '') return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' });
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody]), key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}

/**
 * Reads one verified interaction. Every slash command of the bot becomes a message, answered at
 * once with a deferred response (Discord wants an answer within 3 s; the model takes longer).
 * `/ask`'s text is the message as it is; any other command reads as Discord shows it, with its
 * name (and subcommands) first, so the model sees what was asked for: `/translate text: bonjour`.
 * Buttons, modals and context-menu commands get a short answer only the person sees, so Discord
 * never shows "did not respond". A type Discord does not define is a bad request.
 */
export function parseDiscordInteraction(args: { botId: string; body: unknown; applicationId: string; receivedAt: string }): WebhookOutcome {
  const type = (args.body as { type?: unknown } | null)?.type;
  if (!INTERACTION_TYPES.has(type)) {
    const message = `Not an interaction type Discord defines (1 to 5): ${JSON.stringify(type) ?? 'none'}.`;
    return { kind: 'reply', reply: { status: 400, json: { error: { code: 'bad_request', message } } } };
  }
  const parsed = InteractionSchema.safeParse(args.body);
  if (!parsed.success) return { kind: 'ignored', reason: 'not an interaction' };
  const interaction = parsed.data;
  if (interaction.type === PING) return { kind: 'reply', reply: { status: 200, json: PONG } };

  const user = interaction.member?.user ?? interaction.user;
  if (user?.bot) return { kind: 'ignored', reason: 'from a bot' };
  if (interaction.type === AUTOCOMPLETE) return { kind: 'reply', reply: { status: 200, json: NO_CHOICES } };
  if (interaction.type === MESSAGE_COMPONENT) return componentPress(args, interaction, args.body);
  const data = interaction.data;
  if (interaction.type !== APPLICATION_COMMAND || (data?.type ?? CHAT_INPUT) !== CHAT_INPUT || !data?.name) {
    return privateAnswer(`I read slash commands. Try: /${ASK_COMMAND.name} ${ASK_COMMAND.textOption}: How are you?`);
  }

  const command = readCommand(data);
  const isAsk = command.path.length === 1 && command.path[0] === ASK_COMMAND.name;
  const text = isAsk ? stringOption(command, ASK_COMMAND.textOption) : commandText(command);
  const chatId = interaction.channel?.id ?? interaction.channel_id;
  if (!interaction.id || !interaction.token || !chatId || !user) return { kind: 'ignored', reason: 'command without id, token, channel or user' };
  if (!text && command.attachments.length === 0) {
    return privateAnswer(`Write your question after /${ASK_COMMAND.name}, for example: /${ASK_COMMAND.name} ${ASK_COMMAND.textOption}: How are you?`);
  }

  const message: InboundMessage = {
    botId: args.botId,
    platform: 'discord',
    chatId,
    userId: user.id,
    ...withUserName(discordDisplayName(user, interaction.member?.nick)),
    // Discord never redelivers an interaction, but its id is unique: a replayed request changes nothing.
    messageId: interaction.id,
    text,
    attachments: command.attachments,
    receivedAt: args.receivedAt,
    replyContext: { applicationId: interaction.application_id ?? args.applicationId, interactionToken: interaction.token },
  };
  return { kind: 'messages', messages: [message], reply: { status: 200, json: DEFERRED_REPLY } };
}

const ComponentPressSchema = z.object({
  data: z.object({ custom_id: z.string().min(1) }),
  message: z.object({
    id: z.string(),
    components: z.array(z.object({ components: z.array(z.object({ custom_id: z.string().optional(), label: z.string().optional() })).optional() })).optional(),
  }),
});

/**
 * A press of one of the bot's buttons: a message carrying the choice's id, answered at once with a
 * deferred update (type 6, so the buttons' message stays as it is) and later with a follow-up.
 * Keyed by the message and the choice: a second press is a duplicate.
 */
function componentPress(args: { botId: string; applicationId: string; receivedAt: string }, interaction: z.infer<typeof InteractionSchema>, body: unknown): WebhookOutcome {
  const press = ComponentPressSchema.safeParse(body);
  const user = interaction.member?.user ?? interaction.user;
  const chatId = interaction.channel?.id ?? interaction.channel_id;
  if (!press.success || !interaction.token || !chatId || !user) return { kind: 'reply', reply: { status: 200, json: DEFERRED_UPDATE } };
  const { custom_id: id } = press.data.data;
  const label = press.data.message.components?.flatMap((row) => row.components ?? []).find((c) => c.custom_id === id)?.label ?? id;
  const message: InboundMessage = {
    botId: args.botId,
    platform: 'discord',
    chatId,
    userId: user.id,
    ...withUserName(discordDisplayName(user, interaction.member?.nick)),
    messageId: `press:${press.data.message.id}:${id}`,
    text: label,
    attachments: [],
    receivedAt: args.receivedAt,
    payload: id,
    pressOf: press.data.message.id,
    replyContext: { applicationId: interaction.application_id ?? args.applicationId, interactionToken: interaction.token, followUp: 'true' },
  };
  return { kind: 'messages', messages: [message], reply: { status: 200, json: DEFERRED_UPDATE } };
}

/** "The press is taken; the message stays as it is": the answer comes as a follow-up. */
const DEFERRED_UPDATE = { type: 6 } as const;

function privateAnswer(content: string): WebhookOutcome {
  const json: APIInteractionResponse = { type: 4, data: { content, flags: EPHEMERAL } };
  return { kind: 'reply', reply: { status: 200, json } };
}

/**
 * Sends one part of a reply. An interaction's first part fills in its deferred "thinking…"
 * message (PATCH @original: a retried send rewrites it instead of posting twice); later parts are
 * follow-ups. Without an interaction, or once its 15-minute token has expired, the part goes to the
 * channel with a nonce derived from the outbound key, which Discord enforces to drop a repeat.
 */
export async function sendDiscordMessage(args: { reply: OutboundReply; credentials: DiscordCredentials; baseUrl: string }): Promise<DeliveryReceipt> {
  const { reply, credentials, baseUrl } = args;
  const { applicationId, interactionToken, replyToMessageId } = reply.replyContext ?? {};
  if (applicationId && interactionToken) {
    const webhook = `${baseUrl}/webhooks/${encodeURIComponent(applicationId)}/${encodeURIComponent(interactionToken)}`;
    // A press's answer follows the buttons' message rather than replacing it.
    const response = isFirstPart(reply.outboundKey) && !reply.replyContext?.followUp
      ? await callDiscord('PATCH', `${webhook}/messages/@original`, { ...discordContent(reply), allowed_mentions: NO_MENTIONS } satisfies RESTPatchAPIInteractionOriginalResponseJSONBody)
      : await callDiscord('POST', webhook, { ...discordContent(reply), allowed_mentions: NO_MENTIONS } satisfies RESTPostAPIInteractionFollowupJSONBody);
    if (!isExpiredInteraction(response)) return receiptOf(response);
  }
  const body = {
    ...discordContent(reply),
    allowed_mentions: NO_MENTIONS,
    nonce: discordNonce(reply.outboundKey),
    enforce_nonce: true,
  } satisfies RESTPostAPIChannelMessageJSONBody;
  const post = (json: RESTPostAPIChannelMessageJSONBody) =>
    callDiscord('POST', `${baseUrl}/channels/${encodeURIComponent(reply.key.chatId)}/messages`, json, `Bot ${credentials.botToken}`);
  // A mention in a server is answered as a reply to it, sent anyway if it was deleted meanwhile.
  // Replying needs Read Message History: without it, the answer still goes out, as a plain message.
  if (replyToMessageId && isFirstPart(reply.outboundKey)) {
    const response = await post({ ...body, message_reference: { message_id: replyToMessageId, fail_if_not_exists: false } });
    if (errorOf(response).code !== MISSING_PERMISSIONS) return receiptOf(response);
  }
  return receiptOf(await post(body));
}

/**
 * Trigger-typing in the conversation's channel, for a message that came without an interaction.
 * An interaction's deferred response already shows "thinking…" where its reply will appear, so a
 * second indicator in the channel would only be noise. Typing fades after 10 s or with the reply.
 */
export async function sendDiscordTyping(args: { typing: TypingSignal; credentials: DiscordCredentials; baseUrl: string; abort: AbortSignal }): Promise<void> {
  const { typing, credentials, baseUrl, abort } = args;
  if (typing.state !== 'start' || typing.replyContext?.interactionToken) return;
  const response = await fetch(`${baseUrl}/channels/${encodeURIComponent(typing.key.chatId)}/typing`, {
    method: 'POST',
    headers: { authorization: `Bot ${credentials.botToken}` },
    signal: abort,
  });
  if (!response.ok) throw new Error(`Discord trigger-typing failed: ${response.status}`);
}

/** Discord nonces hold at most 25 characters: a hash of the outbound key, the same on every retry. */
export function discordNonce(outboundKey: string): string {
  return createHash('sha256').update(outboundKey).digest('hex').slice(0, 25);
}

/** The workflow keys a multi-part reply's parts `…#1/3`, `…#2/3`; a whole reply has no suffix. */
function isFirstPart(outboundKey: string): boolean {
  const part = /#(\d+)\/\d+$/.exec(outboundKey);
  return !part || part[1] === '1';
}

interface DiscordResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

async function callDiscord(method: 'POST' | 'PATCH', url: string, body: unknown, authorization?: string): Promise<DiscordResponse> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, body: json };
}

const UNKNOWN_WEBHOOK = 10015 satisfies RESTJSONErrorCodes.UnknownWebhook;
const MISSING_PERMISSIONS = 50013 satisfies RESTJSONErrorCodes.MissingPermissions;
const INVALID_WEBHOOK_TOKEN = 50027 satisfies RESTJSONErrorCodes.InvalidWebhookToken;

/** An interaction token lives 15 minutes; after that its webhook is unknown or its token invalid. */
function isExpiredInteraction(response: DiscordResponse): boolean {
  const code = errorOf(response).code;
  return (response.status === 404 && code === UNKNOWN_WEBHOOK) || (response.status === 401 && code === INVALID_WEBHOOK_TOKEN);
}

/** Discord's error codes that no retry can fix, with the failure type recorded on the conversation. */
const PERMANENT_ERRORS: Partial<Record<number, string>> = {
  [50007 satisfies RESTJSONErrorCodes.CannotSendMessagesToThisUser]: 'DiscordCannotMessageUser',
  [MISSING_PERMISSIONS]: 'DiscordMissingPermissions',
  [10003 satisfies RESTJSONErrorCodes.UnknownChannel]: 'DiscordUnknownChannel',
  [10062 satisfies RESTJSONErrorCodes.UnknownInteraction]: 'DiscordUnknownInteraction',
  [50001 satisfies RESTJSONErrorCodes.MissingAccess]: 'DiscordMissingAccess',
};

/** The message's id, or the error that says what a retry must do. */
function receiptOf(response: DiscordResponse): DeliveryReceipt {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const id = (response.body as { id?: unknown } | undefined)?.id;
    return { platformMessageIds: typeof id === 'string' ? [id] : [] };
  }
  const error = errorOf(response);
  const description = `Discord answered ${status}${error.code ? ` (code ${error.code})` : ''}: ${error.message ?? 'no message'}`;
  if (status === 429) throw rateLimitedFailure(description, retryAfterMs(response), 'DiscordRateLimited');
  const permanent = error.code === undefined ? undefined : PERMANENT_ERRORS[error.code];
  if (permanent) throw permanentFailure(description, permanent);
  if (status === 401) throw permanentFailure(description, 'DiscordBadToken');
  // Other 4xx are requests Discord will refuse again; repeating them counts toward a Cloudflare ban.
  if (status >= 400 && status < 500) throw permanentFailure(description, 'DiscordRequestRejected');
  throw new Error(description);
}

function errorOf(response: DiscordResponse): Partial<RESTError> {
  const body = response.body;
  return typeof body === 'object' && body !== null ? (body as Partial<RESTError>) : {};
}

/**
 * The longest of the waits Discord gives: `retry_after` (precise seconds) in the body, and the
 * `Retry-After` and `X-RateLimit-Reset-After` headers. Retrying early only earns another 429.
 */
function retryAfterMs(response: DiscordResponse): number | undefined {
  const body = response.body as Partial<RESTRateLimit> | undefined;
  const waits = [
    typeof body?.retry_after === 'number' ? Math.ceil(body.retry_after * 1000) : undefined,
    parseRetryAfterMs(response.headers.get('retry-after')),
    parseRetryAfterMs(response.headers.get('x-ratelimit-reset-after')),
  ].filter((ms): ms is number => ms !== undefined);
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** The text, or a file: an image as an embed Discord fetches, a document as its link. */
function discordContent(reply: OutboundReply): { content: string; embeds?: Array<{ image: { url: string } }>; components?: APIActionRowComponent<APIButtonComponentWithCustomId>[] } {
  const file = reply.attachment;
  if (!file && reply.choices) {
    // Five buttons a row, five rows; a press comes back as a component interaction.
    const rows = Array.from({ length: Math.ceil(Math.min(reply.choices.length, 25) / 5) }, (_, r) => ({
      type: 1,
      components: reply.choices!.slice(r * 5, r * 5 + 5).map((c) => ({ type: 2 as const, style: 1 as const, label: c.title.slice(0, 80), custom_id: c.id })),
    })) as APIActionRowComponent<APIButtonComponentWithCustomId>[];
    return { content: reply.text, components: rows };
  }
  if (!file) return { content: reply.text };
  if (file.kind === 'image') return { content: '', embeds: [{ image: { url: file.url } }] };
  return { content: attachmentLinkText(file) };
}
