import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sealSecret } from '../crypto/secret-box';
import { type BotToolRow, countBotTools, insertBotTool } from '../db/queries/bot-tools';
import type { Database } from '../db/schema';
import { MAX_TOOLS_PER_BOT, type ToolDefinition } from '../tools/tool-schema';
import { AppError } from './app-error';

/**
 * Gives a bot a tool: the one home for `POST /v1/bots/:botId/tools` and the console's tool form.
 * The signing secret is returned once, to be shown once; it is stored sealed.
 */
export async function addBotTool(
  { db, encryptionKey }: { db: Kysely<Database>; encryptionKey: Buffer },
  botId: string,
  tool: ToolDefinition,
): Promise<{ row: BotToolRow; secret: string }> {
  if ((await countBotTools(db, botId)) >= MAX_TOOLS_PER_BOT) {
    throw new AppError('validation_failed', `Bot "${botId}" has ${MAX_TOOLS_PER_BOT} tools, the most a bot may have. Delete one first.`);
  }
  const secret = `tlsec_${randomBytes(24).toString('base64url')}`;
  const row = await insertBotTool(db, {
    bot_id: botId,
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    url: tool.url,
    sealed_secret: sealSecret(encryptionKey, secret),
    timeout_ms: tool.timeoutMs,
  });
  if (!row) throw new AppError('conflict', `Bot "${botId}" already has a tool named "${tool.name}". Delete it first to replace it.`);
  return { row, secret };
}
