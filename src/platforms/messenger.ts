import { z } from 'zod';
import type { Attachment, InboundMessage } from '../conversations/inbound-message';
import { downloadBytes } from '../media/download';
import type { OutboundAttachment } from '../conversations/outbound-attachment';
import { toPlainText } from '../formatting/dialects';
import type { MessageChange } from '../conversations/message-change';
import type { Choice } from '../conversations/choices';
import { locationText } from '../media/readable-attachments';
import { answerHubChallenge, GraphIdSchema, graphUrl, metaConsoleSetup, postToGraph, verifyHubSignature, META_GRAPH_API } from './meta-graph';
import type { MessagingPlatform } from './messaging-platform';

export const MessengerCredentialsSchema = z.object({ pageAccessToken: z.string().min(1), appSecret: z.string().min(1), verifyToken: z.string().min(1) });
export type MessengerCredentials = z.infer<typeof MessengerCredentialsSchema>;

/** A Page webhook: `entry[]` may batch several Pages' events, each with its `messaging[]` events. */
const PageWebhookSchema = z.object({
  object: z.string(),
  entry: z.array(z.object({ messaging: z.array(z.unknown()).optional() })),
});

const AttachmentSchema = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      sticker_id: z.union([z.string(), z.number()]).optional(),
      title: z.string().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
});

/** One `messaging[]` event. Receipts, reactions and edits carry neither `message` nor `postback`. */
const MessagingEventSchema = z.object({
  sender: z.object({ id: GraphIdSchema }),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
      is_echo: z.boolean().optional(),
      attachments: z.array(AttachmentSchema).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  /** `message_reactions` field: `react` or `unreact`, with the emoji. */
  reaction: z.object({ mid: z.string(), action: z.enum(['react', 'unreact']), emoji: z.string().optional() }).optional(),
  /** `message_edits` field: the edited text. */
  message_edit: z.object({ mid: z.string(), text: z.string() }).optional(),
  timestamp: z.number().optional(),
});
type MessagingEvent = z.infer<typeof MessagingEventSchema>;

const SendResponseSchema = z.object({ message_id: z.string() });

/**
 * Messenger Platform: Page webhooks in, the Send API out. The chat is the person's Page-scoped id
 * (PSID); the dedupe key is the message's `mid`. A postback (a tapped button, "Get Started", a
 * persistent-menu item) is read as if the person had typed the button's title.
 */
export const messenger: MessagingPlatform<MessengerCredentials> = {
  platform: 'messenger',
  credentialsSchema: MessengerCredentialsSchema,
  about: {
    credentialVariables: { pageAccessToken: 'MESSENGER_PAGE_ACCESS_TOKEN', appSecret: 'MESSENGER_APP_SECRET', verifyToken: 'MESSENGER_VERIFY_TOKEN' },
    apiBaseUrl: META_GRAPH_API,
    signatureHeaders: ['X-Hub-Signature-256'],
    credentialsExample: { pageAccessToken: 'EAAB…', appSecret: '4b2f…', verifyToken: 'a-verify-token' },
  },
  // The fields carry what parseWebhook reads: messages, postbacks (tapped buttons, "Get Started"),
  // and the edits and reactions it stores.
  setUpWebhook: ({ webhookUrl, credentials }) =>
    metaConsoleSetup({
      where: 'https://developers.facebook.com/apps → your app → Messenger → Messenger API Settings → Configure webhooks',
      webhookUrl,
      verifyToken: credentials.verifyToken,
      fields: ['messages', 'messaging_postbacks', 'message_edits', 'message_reactions'],
    }),
  answerHandshake: (request, credentials) => answerHubChallenge(request, credentials.verifyToken),
  verifyRequest: (request, credentials) => verifyHubSignature(request, credentials.appSecret),
  parseWebhook({ botId, body, receivedAt }) {
    const webhook = PageWebhookSchema.safeParse(body);
    if (!webhook.success || webhook.data.object !== 'page') return { kind: 'ignored', reason: 'not a Page webhook' };
    const messages: InboundMessage[] = [];
    const changes: MessageChange[] = [];
    for (const entry of webhook.data.entry) {
      for (const item of entry.messaging ?? []) {
        const event = MessagingEventSchema.safeParse(item);
        if (event.success) changes.push(...changesOf(event.data));
        const message = event.success ? toInboundMessage(event.data, { botId, receivedAt }) : undefined;
        if (message) messages.push(message);
      }
    }
    if (messages.length === 0 && changes.length > 0) return { kind: 'changes', changes };
    if (messages.length === 0) return { kind: 'ignored', reason: 'no message for the bot (echoes, receipts)' };
    return { kind: 'messages', messages, ...(changes.length > 0 && { changes }) };
  },
  // Meta's attachment URLs are signed links to its CDN: they need no token, and expire.
  fetchMedia: ({ attachment, maxBytes }) => downloadBytes({ url: attachment.ref, maxBytes, what: 'Messenger attachment download' }),
  async sendMessage({ reply, credentials, baseUrl }) {
    const body = await postToGraph({
      platform: 'Messenger',
      url: sendApiUrl(baseUrl, credentials),
      body: { recipient: { id: reply.key.chatId }, messaging_type: 'RESPONSE', message: reply.attachment ? messengerAttachment(reply.attachment) : { text: toPlainText(reply.text), ...quickReplies(reply.choices) } },
    });
    const sent = SendResponseSchema.safeParse(body);
    return { platformMessageIds: sent.success ? [sent.data.message_id] : [] };
  },
  // The reply itself turns typing off; typing_off is for a turn that ends without one.
  async sendTyping({ typing, credentials, baseUrl, abort }) {
    await postToGraph({
      platform: 'Messenger',
      url: sendApiUrl(baseUrl, credentials),
      body: { recipient: { id: typing.key.chatId }, sender_action: typing.state === 'start' ? 'typing_on' : 'typing_off' },
      abort,
    });
  },
};

/** The Send API takes the Page access token as the `access_token` parameter. */
function sendApiUrl(baseUrl: string, credentials: MessengerCredentials): URL {
  const url = graphUrl(baseUrl, 'me/messages');
  url.searchParams.set('access_token', credentials.pageAccessToken);
  return url;
}

function toInboundMessage(event: MessagingEvent, base: { botId: string; receivedAt: string }): InboundMessage | undefined {
  const psid = event.sender.id;
  const common = { ...base, platform: 'messenger' as const, chatId: psid, userId: psid };
  if (event.message) {
    if (event.message.is_echo) return undefined;
    const attachments = toAttachments(event.message.attachments ?? []);
    const text = event.message.text ?? '';
    if (text.trim() === '' && attachments.length === 0) return undefined;
    // A quick reply's tap: its title is the text, its payload the choice's id.
    const payload = event.message.quick_reply?.payload;
    if (payload !== undefined) return { ...common, messageId: event.message.mid, text: text || payload, attachments, payload };
    return { ...common, messageId: event.message.mid, text, attachments };
  }
  if (event.postback) {
    const text = event.postback.title || event.postback.payload || '';
    if (text === '') return undefined;
    const messageId = event.postback.mid ?? `postback:${psid}:${event.timestamp ?? ''}:${event.postback.payload ?? ''}`;
    return { ...common, messageId, text, attachments: [] };
  }
  return undefined;
}

/**
 * Attachment metadata; the media stays at Meta's URL. While Meta moves stickers to their own
 * `sticker` type it sends both a `sticker` and an `image` for one sticker: the image is dropped.
 */
function toAttachments(attachments: ReadonlyArray<z.infer<typeof AttachmentSchema>>): Attachment[] {
  const hasSticker = attachments.some((a) => a.type === 'sticker');
  return attachments.flatMap((attachment): Attachment[] => {
    const payload = attachment.payload ?? {};
    const isSticker = attachment.type === 'sticker' || payload.sticker_id !== undefined;
    if (isSticker) {
      if (hasSticker && attachment.type !== 'sticker') return [];
      return [{ kind: 'sticker', ref: payload.url ?? String(payload.sticker_id ?? '') }];
    }
    if (attachment.type === 'location' && payload.coordinates) {
      const { lat, long } = payload.coordinates;
      return [{ kind: 'location', ref: `${lat},${long}`, name: payload.title, text: locationText({ latitude: lat, longitude: long, name: payload.title }) }];
    }
    const kind = KIND_BY_TYPE[attachment.type] ?? 'other';
    return [{ kind, ref: payload.url ?? '', ...(payload.title ? { name: payload.title } : {}) }];
  });
}

const KIND_BY_TYPE: Readonly<Record<string, Attachment['kind']>> = { image: 'image', audio: 'audio', video: 'video', file: 'file' };

/** A file by URL: Meta fetches it (up to 25 MB) and shows an image inline, a document as a file. */
function messengerAttachment(file: OutboundAttachment) {
  return { attachment: { type: file.kind === 'image' ? 'image' : 'file', payload: { url: file.url, is_reusable: false } } };
}

/** An edit or a reaction (`message_edits`, `message_reactions` fields): the record changes, nothing is answered. */
function changesOf(event: MessagingEvent): MessageChange[] {
  if (event.message_edit) return [{ kind: 'edit', ref: event.message_edit.mid, text: event.message_edit.text }];
  const { reaction } = event;
  if (!reaction) return [];
  // Messenger keeps one reaction per person and message: a new one replaces the last, and an
  // `unreact` (which may name no emoji) takes it away. The message is the person's or, mostly, the Page's reply.
  const target = { ref: reaction.mid, reply: { chatId: event.sender.id, platformMessageId: reaction.mid }, userId: event.sender.id };
  const cleared: MessageChange = { kind: 'reaction', ...target, emoji: '', added: false };
  return reaction.action === 'react' && reaction.emoji ? [cleared, { kind: 'reaction', ...target, emoji: reaction.emoji, added: true }] : [cleared];
}

/** Choices as quick replies: at most 13, titles of 20 characters; a tap comes back with its payload. */
function quickReplies(choices: Choice[] | undefined) {
  if (!choices) return {};
  return { quick_replies: choices.slice(0, 13).map((c) => ({ content_type: 'text', title: c.title.slice(0, 20), payload: c.id })) };
}
