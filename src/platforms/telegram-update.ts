/**
 * Reading Telegram's Updates: which are a person's message (with their name, files, a press of one
 * of our buttons), which only change a stored message (edits, reactions), and which are ignored.
 * Sending is in `telegram.ts`.
 */
import { z } from 'zod';
import { type Attachment, type InboundMessage, withUserName } from '../conversations/inbound-message';
import type { MessageChange } from '../conversations/message-change';
import { threadChatId } from '../conversations/shared-space';
import { contactText, locationText } from '../media/readable-attachments';
import type { WebhookOutcome } from './messaging-platform';

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
