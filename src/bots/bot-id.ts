import { z } from 'zod';

/** What a bot id may be: chosen at creation, then part of URLs, workflow ids and conversation keys. */
export const BOT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const BotIdSchema = z.string().regex(BOT_ID_PATTERN, 'letters, digits, "_" or "-", at most 64');

/** False for anything no bot can be called: such an id is answered as unknown without asking the database. */
export function isBotId(value: string): boolean {
  return BOT_ID_PATTERN.test(value);
}
