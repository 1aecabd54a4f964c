import type { GatewayIntentBits, MessageType } from 'discord-api-types/v10';
import { z } from 'zod';
import { type InboundMessage, withUserName } from '../conversations/inbound-message';
import { discordAttachment } from './discord-command';
import { discordDisplayName } from './discord-names';

/**
 * What the bot asks the Gateway for: messages in servers and in DMs. Not the privileged Message
 * Content intent: Discord gives the content of messages that mention the bot, and of DMs, without it.
 */
export const DISCORD_GATEWAY_INTENTS = (512 satisfies GatewayIntentBits.GuildMessages) | (4096 satisfies GatewayIntentBits.DirectMessages);

const DEFAULT_MESSAGE = 0 satisfies MessageType.Default;
const REPLY_MESSAGE = 19 satisfies MessageType.Reply;

/** The parts of a MESSAGE_CREATE dispatch this reads. */
const MessageCreateSchema = z.object({
  id: z.string().min(1),
  channel_id: z.string().min(1),
  guild_id: z.string().optional(),
  type: z.number().int(),
  content: z.string(),
  author: z.object({ id: z.string().min(1), bot: z.boolean().optional(), username: z.string().optional(), global_name: z.string().nullish() }),
  /** In a server: the author as a member, with their nickname there. */
  member: z.object({ nick: z.string().nullish() }).optional(),
  webhook_id: z.string().optional(),
  mentions: z.array(z.object({ id: z.string() })).default([]),
  attachments: z.array(z.object({ url: z.string(), filename: z.string().optional(), content_type: z.string().optional() })).default([]),
});

export type GatewayMessageOutcome = { kind: 'message'; message: InboundMessage } | { kind: 'ignored'; reason: string };

/**
 * Reads a MESSAGE_CREATE from the Gateway. A direct message is for the bot; in a server channel or
 * thread, only a message that mentions the bot is, with the mention taken out of its text, and the
 * reply answers it in place. Bots, webhooks and system messages are never answered.
 */
export function parseGatewayMessage(args: { botId: string; botUserId: string; data: unknown; receivedAt: string }): GatewayMessageOutcome {
  const parsed = MessageCreateSchema.safeParse(args.data);
  if (!parsed.success) return { kind: 'ignored', reason: 'not a message' };
  const message = parsed.data;
  if (message.author.bot || message.webhook_id) return { kind: 'ignored', reason: 'from a bot or a webhook' };
  if (message.type !== DEFAULT_MESSAGE && message.type !== REPLY_MESSAGE) return { kind: 'ignored', reason: `system message (type ${message.type})` };
  const inGuild = message.guild_id !== undefined;
  if (inGuild && !message.mentions.some((user) => user.id === args.botUserId)) return { kind: 'ignored', reason: 'not addressed to the bot' };

  const text = withoutMention(message.content, args.botUserId);
  const attachments = message.attachments.map(discordAttachment);
  if (text === '' && attachments.length === 0) return { kind: 'ignored', reason: 'no text' };
  return {
    kind: 'message',
    message: {
      botId: args.botId,
      platform: 'discord',
      // A thread is a channel of its own: its messages are a conversation of their own.
      chatId: message.channel_id,
      userId: message.author.id,
      ...withUserName(discordDisplayName(message.author, message.member?.nick)),
      messageId: message.id,
      text,
      attachments,
      receivedAt: args.receivedAt,
      // In a server, several people may be talking: the reply answers the message it is for.
      ...(inGuild && { replyContext: { replyToMessageId: message.id } }),
    },
  };
}

/** `<@id>` and the older `<@!id>` of the bot, out of the text. */
function withoutMention(content: string, botUserId: string): string {
  return content.replaceAll(new RegExp(`<@!?${botUserId}>`, 'g'), '').trim();
}
