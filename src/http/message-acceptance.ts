import type { BotSettings } from '../conversations/bot-settings';
import type { InboundMessage } from '../conversations/inbound-message';
import { normaliseInbound } from '../conversations/normalise-inbound';
import { type MessageIntake, MessageNotAcceptedError, type WaitedReply } from '../temporal/message-intake';
import { type BotDirectory, BotDirectoryUnavailableError } from '../bots/bot-directory';
import { AppError } from './app-error';

/** 404 for an unknown bot; 503 when the database is down and the bot was never seen. */
export async function requireBot(bots: BotDirectory, botId: string): Promise<BotSettings> {
  let bot;
  try {
    bot = await bots.find(botId);
  } catch (error) {
    if (error instanceof BotDirectoryUnavailableError) {
      throw new AppError('not_ready', 'Cannot look up the bot right now. Retry shortly.');
    }
    throw error;
  }
  if (!bot) throw new AppError('bot_not_found', `No bot with id "${botId}".`);
  return bot;
}

/**
 * Hands a message to Temporal, normalised (`normaliseInbound`): every channel accepts through here.
 * 503 when Temporal did not take it, so the sender retries.
 */
export async function acceptMessage(intake: MessageIntake, message: InboundMessage): Promise<void> {
  try {
    await intake.accept(normaliseInbound(message));
  } catch (error) {
    throw asUnavailable(error);
  }
}

export async function acceptMessageAndWait(
  intake: MessageIntake,
  message: InboundMessage,
  timeoutMs: number,
): Promise<WaitedReply> {
  try {
    return await intake.acceptAndWait(normaliseInbound(message), timeoutMs);
  } catch (error) {
    throw asUnavailable(error);
  }
}

function asUnavailable(error: unknown): unknown {
  if (!(error instanceof MessageNotAcceptedError)) return error;
  return new AppError(
    'temporal_unavailable',
    'The message was not accepted because the workflow service is unavailable. Retry with the same message id.',
  );
}
