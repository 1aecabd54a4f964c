import { z } from 'zod';
import { type Attachment, type InboundMessage, withUserName } from '../conversations/inbound-message';
import {
  answerHubChallenge,
  describeGraphError,
  GraphIdSchema,
  graphErrorType,
  graphUrl,
  metaConsoleSetup,
  postToGraph,
  verifyHubSignature,
  META_GRAPH_API,
} from './meta-graph';
import type { MessagingPlatform, WebhookOutcome } from './messaging-platform';
import type { OutboundReply } from './platform-adapter';
import { toWhatsApp } from '../formatting/dialects';
import type { MessageChange } from '../conversations/message-change';
import type { Choice } from '../conversations/choices';
import { downloadBytes, type DownloadedMedia, fetchJson, MediaTooLarge } from '../media/download';
import { contactText, locationText } from '../media/readable-attachments';

export const WhatsAppCredentialsSchema = z.object({ accessToken: z.string().min(1), phoneNumberId: z.string().min(1), appSecret: z.string().min(1), verifyToken: z.string().min(1) });
export type WhatsAppCredentials = z.infer<typeof WhatsAppCredentialsSchema>;

/** A WhatsApp Business Account webhook: `entry[].changes[].value` each carry messages or statuses. */
const AccountWebhookSchema = z.object({
  object: z.string(),
  entry: z.array(z.object({ changes: z.array(z.object({ value: z.unknown() })).optional() })),
});

const ChangeValueSchema = z.object({
  metadata: z.object({ phone_number_id: GraphIdSchema }).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  contacts: z.array(z.unknown()).optional(),
});

/** Who sent the change's messages: their wa_id and WhatsApp profile name. */
const SenderSchema = z.object({ wa_id: z.string(), profile: z.object({ name: z.string() }) });

/** The profile names of the change's senders, by wa_id; a sender without a readable one is left out. */
function profileNames(contacts: readonly unknown[] | undefined): Map<string, string> {
  const names = new Map<string, string>();
  for (const contact of contacts ?? []) {
    const sender = SenderSchema.safeParse(contact);
    if (sender.success) names.set(sender.data.wa_id, sender.data.profile.name);
  }
  return names;
}

const MediaSchema = z.object({
  id: z.string().min(1),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

const MessageSchema = z.object({
  from: GraphIdSchema,
  id: z.string().min(1),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  image: MediaSchema.optional(),
  audio: MediaSchema.optional(),
  video: MediaSchema.optional(),
  document: MediaSchema.optional(),
  sticker: MediaSchema.optional(),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
    .optional(),
  interactive: z
    .object({
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  /** A reply to one of our messages (a button's press names the message the buttons were on). */
  context: z.object({ id: z.string() }).optional(),
  button: z.object({ text: z.string() }).optional(),
  reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  contacts: z
    .array(
      z.object({
        name: z.object({ formatted_name: z.string().optional() }).optional(),
        phones: z.array(z.object({ phone: z.string().optional() })).optional(),
        emails: z.array(z.object({ email: z.string().optional() })).optional(),
      }),
    )
    .optional(),
});
type WhatsAppMessage = z.infer<typeof MessageSchema>;

const StatusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  errors: z
    .array(
      z.object({
        code: z.coerce.number().optional(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const SendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });

const MEDIA_KINDS = { image: 'image', audio: 'audio', video: 'video', document: 'file', sticker: 'sticker' } as const;

type DeliveryFailure = Extract<WebhookOutcome, { kind: 'delivery-failed' }>['failures'][number];

/**
 * WhatsApp Cloud API: account webhooks in, `/{phone-number-id}/messages` out. A conversation is one
 * person (`from`, their wa_id); the dedupe key is the message's wamid. Status receipts are ignored,
 * except `failed`, which names the wamid of a message we sent and why it never arrived.
 */
export const whatsapp: MessagingPlatform<WhatsAppCredentials> = {
  platform: 'whatsapp',
  credentialsSchema: WhatsAppCredentialsSchema,
  about: {
    credentialVariables: {
      accessToken: 'WHATSAPP_ACCESS_TOKEN',
      phoneNumberId: 'WHATSAPP_PHONE_NUMBER_ID',
      appSecret: 'WHATSAPP_APP_SECRET',
      verifyToken: 'WHATSAPP_VERIFY_TOKEN',
    },
    apiBaseUrl: META_GRAPH_API,
    signatureHeaders: ['X-Hub-Signature-256'],
    credentialsExample: { accessToken: 'EAAB…', phoneNumberId: '1055…', appSecret: '4b2f…', verifyToken: 'a-verify-token' },
  },
  // `messages` carries both incoming messages and the statuses of the bot's replies.
  setUpWebhook: ({ webhookUrl, credentials }) =>
    metaConsoleSetup({
      where: 'https://developers.facebook.com/apps → your app → WhatsApp → Configuration → Webhook',
      webhookUrl,
      verifyToken: credentials.verifyToken,
      fields: ['messages'],
    }),
  answerHandshake: (request, credentials) => answerHubChallenge(request, credentials.verifyToken),
  verifyRequest: (request, credentials) => verifyHubSignature(request, credentials.appSecret),
  parseWebhook({ botId, body, credentials, receivedAt }) {
    const webhook = AccountWebhookSchema.safeParse(body);
    if (!webhook.success || webhook.data.object !== 'whatsapp_business_account') {
      return { kind: 'ignored', reason: 'not a WhatsApp Business Account webhook' };
    }
    const messages: InboundMessage[] = [];
    const failures: DeliveryFailure[] = [];
    const changes: MessageChange[] = [];
    for (const entry of webhook.data.entry) {
      for (const change of entry.changes ?? []) {
        const value = ChangeValueSchema.safeParse(change.value);
        // One app's webhook hears every number of the account: this bot answers for its own number only.
        if (!value.success || (value.data.metadata && value.data.metadata.phone_number_id !== credentials.phoneNumberId)) continue;
        const names = profileNames(value.data.contacts);
        for (const item of value.data.messages ?? []) {
          const message = MessageSchema.safeParse(item);
          if (message.success && message.data.reaction) changes.push(...reactionChanges(message.data));
          const inbound = message.success ? toInboundMessage(message.data, { botId, receivedAt, ...withUserName(names.get(message.data.from)) }) : undefined;
          if (inbound) messages.push(inbound);
        }
        for (const item of value.data.statuses ?? []) {
          const status = StatusSchema.safeParse(item);
          if (status.success && status.data.status === 'failed') failures.push(toDeliveryFailure(status.data));
        }
      }
    }
    // Meta sends messages and statuses in separate notifications; should one ever carry both, the
    // messages must be accepted (or Meta retries them) and the failures are left to the log.
    if (messages.length > 0) return { kind: 'messages', messages, ...(changes.length > 0 && { changes }) };
    if (changes.length > 0) return { kind: 'changes', changes };
    if (failures.length > 0) return { kind: 'delivery-failed', failures };
    return { kind: 'ignored', reason: 'no message for the bot (statuses, reactions, unsupported types)' };
  },
  fetchMedia: ({ attachment, credentials, baseUrl, maxBytes }) =>
    fetchGraphMedia({ baseUrl, accessToken: credentials.accessToken, mediaId: attachment.ref, maxBytes }),
  async sendMessage({ reply, credentials, baseUrl }) {
    const body = await postToGraph({
      platform: 'WhatsApp',
      url: graphUrl(baseUrl, `${encodeURIComponent(credentials.phoneNumberId)}/messages`),
      headers: { authorization: `Bearer ${credentials.accessToken}` },
      body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: reply.key.chatId, ...messageContent(reply) },
    });
    const sent = SendResponseSchema.safeParse(body);
    return { platformMessageIds: sent.success ? sent.data.messages.map((m) => m.id) : [] };
  },
  /**
   * The typing indicator is shown on the message being answered, which it also marks as read (blue
   * ticks). It fades after 25 s or with the reply, and cannot be taken back.
   */
  async sendTyping({ typing, credentials, baseUrl, abort }) {
    if (typing.state !== 'start' || !typing.answering) return;
    await postToGraph({
      platform: 'WhatsApp',
      url: graphUrl(baseUrl, `${encodeURIComponent(credentials.phoneNumberId)}/messages`),
      headers: { authorization: `Bearer ${credentials.accessToken}` },
      body: { messaging_product: 'whatsapp', status: 'read', message_id: typing.answering, typing_indicator: { type: 'text' } },
      abort,
    });
  },
};

function toInboundMessage(message: WhatsAppMessage, base: { botId: string; receivedAt: string; userName?: string }): InboundMessage | undefined {
  const common = { ...base, platform: 'whatsapp' as const, chatId: message.from, userId: message.from, messageId: message.id };
  const content = readContent(message);
  if (!content) return undefined;
  // A press is keyed by the message and the choice, so pressing the same button twice answers once.
  const press = content.payload !== undefined && message.context ? { messageId: `press:${message.context.id}:${content.payload}`, pressOf: message.context.id } : {};
  return { ...common, ...content, ...press };
}

/** The text and attachments of the message types a person writes; reactions and the rest are not for the bot. */
function readContent(message: WhatsAppMessage): { text: string; attachments: Attachment[]; payload?: string } | undefined {
  switch (message.type) {
    case 'text':
      return message.text && { text: message.text.body, attachments: [] };
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const media = message[message.type];
      if (!media) return undefined;
      const attachment: Attachment = {
        kind: MEDIA_KINDS[message.type],
        ref: media.id,
        ...(media.mime_type && { mimeType: media.mime_type }),
        ...(media.filename && { name: media.filename }),
      };
      return { text: media.caption ?? '', attachments: [attachment] };
    }
    case 'location': {
      const place = message.location;
      if (!place) return undefined;
      const name = place.name ?? place.address;
      const attachment: Attachment = { kind: 'location', ref: `${place.latitude},${place.longitude}`, ...(name && { name }), text: locationText(place) };
      return { text: '', attachments: [attachment] };
    }
    case 'contacts': {
      const cards = message.contacts ?? [];
      if (cards.length === 0) return undefined;
      const attachments = cards.map((card): Attachment => {
        const phones = (card.phones ?? []).flatMap((p) => (p.phone ? [p.phone] : []));
        const emails = (card.emails ?? []).flatMap((e) => (e.email ? [e.email] : []));
        return { kind: 'contact', ref: phones[0] ?? card.name?.formatted_name ?? 'contact', text: contactText({ name: card.name?.formatted_name, phones, emails }) };
      });
      return { text: '', attachments };
    }
    case 'interactive': {
      const choice = message.interactive?.button_reply ?? message.interactive?.list_reply;
      return choice ? { text: choice.title, attachments: [], payload: choice.id } : undefined;
    }
    case 'button':
      return message.button && { text: message.button.text, attachments: [] };
    default:
      return undefined;
  }
}

function toDeliveryFailure(status: z.infer<typeof StatusSchema>): DeliveryFailure {
  const error = status.errors?.[0];
  if (!error) return { deliveryId: status.id, type: 'WhatsAppDeliveryFailed', message: 'WhatsApp reported the message failed, without a reason' };
  const graphError = { code: error.code, message: error.title ?? error.message, details: error.error_data?.details };
  const type = graphErrorType('WhatsApp', graphError);
  return {
    deliveryId: status.id,
    type: type === 'WhatsAppRequestRejected' ? 'WhatsAppDeliveryFailed' : type,
    message: describeGraphError(graphError),
  };
}

const MediaUrlSchema = z.object({ url: z.string().url(), mime_type: z.string().optional(), file_size: z.coerce.number().optional() });

/**
 * Downloads a file people sent: `GET /{media-id}` names a short-lived URL, its type and size; the
 * URL serves the bytes to the same access token.
 */
export async function fetchGraphMedia(args: { baseUrl: string; accessToken: string; mediaId: string; maxBytes: number }): Promise<DownloadedMedia> {
  const headers = { authorization: `Bearer ${args.accessToken}` };
  const answer = MediaUrlSchema.safeParse(
    await fetchJson({ url: graphUrl(args.baseUrl, encodeURIComponent(args.mediaId)).toString(), init: { headers }, what: 'WhatsApp media lookup' }),
  );
  if (!answer.success) throw new Error('WhatsApp media lookup answered without a URL');
  if (answer.data.file_size !== undefined && answer.data.file_size > args.maxBytes) throw new MediaTooLarge(args.maxBytes);
  const media = await downloadBytes({ url: answer.data.url, headers, maxBytes: args.maxBytes, what: 'WhatsApp media download' });
  return { bytes: media.bytes, mimeType: answer.data.mime_type ?? media.mimeType };
}

/** The text, or, outside the 24-hour window, the approved template with its body parameters. */
function messageContent(reply: OutboundReply) {
  const { template, attachment } = reply;
  // A file by link: WhatsApp fetches it (images up to 5 MB, documents up to 100 MB).
  if (attachment?.kind === 'image') return { type: 'image', image: { link: attachment.url } };
  if (attachment) return { type: 'document', document: { link: attachment.url, ...(attachment.name && { filename: attachment.name }) } };
  if (!template && reply.choices) return interactiveContent(toWhatsApp(reply.text), reply.choices);
  if (!template) return { type: 'text', text: { body: toWhatsApp(reply.text) } };
  const parameters = template.parameters.map((text) => ({ type: 'text', text }));
  return {
    type: 'template',
    template: { name: template.name, language: { code: template.language }, ...(parameters.length > 0 && { components: [{ type: 'body', parameters }] }) },
  };
}

/**
 * A reaction: WhatsApp allows one per person and message, so a new one replaces the last, and one
 * without an emoji (Meta leaves the field out when a person takes theirs back) takes it away.
 */
function reactionChanges(message: WhatsAppMessage): MessageChange[] {
  const { reaction } = message;
  if (!reaction) return [];
  // Meta sends reactions to the business's messages, the bot's replies; a wamid names either kind.
  const target = { ref: reaction.message_id, reply: { chatId: message.from, platformMessageId: reaction.message_id }, userId: message.from };
  const cleared: MessageChange = { kind: 'reaction', ...target, emoji: '', added: false };
  return reaction.emoji ? [cleared, { kind: 'reaction', ...target, emoji: reaction.emoji, added: true }] : [cleared];
}

/** Up to three choices as reply buttons (titles of 20 characters), more as a list (24). */
function interactiveContent(body: string, choices: Choice[]) {
  if (choices.length <= 3) {
    const buttons = choices.map((c) => ({ type: 'reply', reply: { id: c.id, title: c.title.slice(0, 20) } }));
    return { type: 'interactive', interactive: { type: 'button', body: { text: body.slice(0, 1024) }, action: { buttons } } };
  }
  const rows = choices.map((c) => ({ id: c.id, title: c.title.slice(0, 24) }));
  return { type: 'interactive', interactive: { type: 'list', body: { text: body.slice(0, 4096) }, action: { button: 'Choose', sections: [{ title: 'Options', rows }] } } };
}
