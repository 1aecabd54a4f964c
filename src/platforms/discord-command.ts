import type { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { z } from 'zod';
import type { Attachment } from '../conversations/inbound-message';
import { discordDisplayName } from './discord-names';

// Option types, checked against discord-api-types (types only at run time).
const SUBCOMMAND = 1 satisfies ApplicationCommandOptionType.Subcommand;
const SUBCOMMAND_GROUP = 2 satisfies ApplicationCommandOptionType.SubcommandGroup;
const STRING = 3 satisfies ApplicationCommandOptionType.String;
const BOOLEAN = 5 satisfies ApplicationCommandOptionType.Boolean;
const USER = 6 satisfies ApplicationCommandOptionType.User;
const CHANNEL = 7 satisfies ApplicationCommandOptionType.Channel;
const ROLE = 8 satisfies ApplicationCommandOptionType.Role;
const MENTIONABLE = 9 satisfies ApplicationCommandOptionType.Mentionable;
const ATTACHMENT = 11 satisfies ApplicationCommandOptionType.Attachment;

interface CommandOption {
  name: string;
  type: number;
  value?: unknown;
  options?: CommandOption[];
}

const CommandOptionSchema: z.ZodType<CommandOption> = z.object({
  name: z.string(),
  type: z.number().int(),
  value: z.unknown().optional(),
  get options() {
    return z.array(CommandOptionSchema).optional();
  },
});

const AttachmentSchema = z.object({ url: z.string(), filename: z.string().optional(), content_type: z.string().optional() });

/** The `data` of an application command: the parts read to turn it into a message. */
export const CommandDataSchema = z.object({
  name: z.string().optional(),
  type: z.number().int().optional(),
  options: z.array(CommandOptionSchema).optional(),
  /** What ids in option values name: users, members, roles, channels, attachments. */
  resolved: z
    .object({
      users: z.record(z.string(), z.object({ username: z.string().optional(), global_name: z.string().nullish() })).optional(),
      members: z.record(z.string(), z.object({ nick: z.string().nullish() })).optional(),
      roles: z.record(z.string(), z.object({ name: z.string().optional() })).optional(),
      channels: z.record(z.string(), z.object({ name: z.string().nullish() })).optional(),
      attachments: z.record(z.string(), AttachmentSchema).optional(),
    })
    .optional(),
});
export type CommandData = z.infer<typeof CommandDataSchema>;

/** A slash command as a person reads it in Discord. */
export interface ReadCommand {
  /** The command and its subcommands: `["settings", "language"]` for `/settings language`. */
  path: string[];
  /** Each value option, as readable text, in the order given. */
  options: Array<{ name: string; type: number; text: string }>;
  /** Files given in attachment options. */
  attachments: Attachment[];
}

/**
 * Reads a chat-input command: walks down its subcommand group and subcommand to the options that
 * carry values, and makes each value readable (a user, role or channel id becomes its name from
 * `resolved`, a boolean yes or no, a file its name and an attachment).
 */
export function readCommand(data: CommandData): ReadCommand {
  const path = data.name ? [data.name] : [];
  let options = data.options ?? [];
  for (;;) {
    const nested = options.find((o) => o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP);
    if (!nested) break;
    path.push(nested.name);
    options = nested.options ?? [];
  }
  const read: ReadCommand = { path, options: [], attachments: [] };
  for (const option of options) {
    if (option.value === undefined || option.value === null) continue;
    const text = readableValue(option, data.resolved).trim();
    if (text !== '') read.options.push({ name: option.name, type: option.type, text });
    if (option.type === ATTACHMENT) {
      const file = data.resolved?.attachments?.[String(option.value)];
      if (file) read.attachments.push(discordAttachment(file));
    }
  }
  return read;
}

/** The command as one line of text, the way Discord shows it: `/settings language code: fr`. */
export function commandText(command: ReadCommand): string {
  return [`/${command.path.join(' ')}`, ...command.options.map((o) => `${o.name}: ${o.text}`)].join(' ');
}

/** The text of a command's string option, or '' when it has none. */
export function stringOption(command: ReadCommand, name: string): string {
  return command.options.find((o) => o.name === name && o.type === STRING)?.text ?? '';
}

function readableValue(option: CommandOption, resolved: CommandData['resolved']): string {
  const id = String(option.value);
  switch (option.type) {
    case BOOLEAN:
      return option.value === true ? 'yes' : 'no';
    case USER:
      return userName(id, resolved) ?? `<@${id}>`;
    case ROLE:
      return roleName(id, resolved) ?? `<@&${id}>`;
    case MENTIONABLE:
      return userName(id, resolved) ?? roleName(id, resolved) ?? `<@${id}>`;
    case CHANNEL: {
      const name = resolved?.channels?.[id]?.name;
      return name ? `#${name}` : `<#${id}>`;
    }
    case ATTACHMENT:
      return resolved?.attachments?.[id]?.filename ?? 'a file';
    default:
      // Strings, integers and numbers read as they are.
      return typeof option.value === 'string' ? option.value : JSON.stringify(option.value);
  }
}

function userName(id: string, resolved: CommandData['resolved']): string | undefined {
  const user = resolved?.users?.[id];
  if (!user) return undefined;
  const name = discordDisplayName(user, resolved?.members?.[id]?.nick);
  return name ? `@${name}` : undefined;
}

function roleName(id: string, resolved: CommandData['resolved']): string | undefined {
  const name = resolved?.roles?.[id]?.name;
  return name ? `@${name}` : undefined;
}

/** A file on Discord's CDN as an attachment: a command's file option, or a message's file. */
export function discordAttachment(file: { url: string; filename?: string; content_type?: string }): Attachment {
  const type = file.content_type ?? '';
  const kind: Attachment['kind'] = type.startsWith('image/') ? 'image' : type.startsWith('audio/') ? 'audio' : type.startsWith('video/') ? 'video' : 'file';
  return { kind, ref: file.url, ...(file.content_type && { mimeType: file.content_type }), ...(file.filename && { name: file.filename }) };
}
