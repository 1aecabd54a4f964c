import { log } from '@temporalio/activity';
import { PLATFORM_RULES } from '../src/platforms/platform-rules';
import type { TurnInput } from '../src/turn/turn-contract';
import { createTypingIndicator, type TypingIndicator } from '../src/turn/typing-indicator';
import type { ActivityDeps } from './deps';

/**
 * The turn's "typing…", through its platform's adapter: only where the platform can show it, and
 * only for a reply the model writes (a notice or an operator's message shows none). A failure is
 * logged once and the turn goes on; the signal is never retried.
 */
export function typingIndicatorFor({ adapters }: Pick<ActivityDeps, 'adapters'>, input: TurnInput): TypingIndicator | undefined {
  const { key, outboundKey, replyContext } = input;
  const adapter = adapters[key.platform];
  const lastsMs = PLATFORM_RULES[key.platform].typingLastsMs;
  if (!adapter?.sendTyping || lastsMs === undefined || !('write' in input.reply)) return undefined;
  const sendTyping = adapter.sendTyping.bind(adapter);
  // The last message of the turn is the one the reply answers.
  const answering = input.reply.write.messageIds.at(-1);
  return createTypingIndicator({
    lastsMs,
    send: (state, abort) => sendTyping({ key, state, outboundKey, ...(replyContext && { replyContext }), ...(answering && { answering }) }, abort),
    onFailure: (error) => log.warn('Cannot show that the bot is typing; the reply comes all the same', { platform: key.platform, error: String(error) }),
  });
}
