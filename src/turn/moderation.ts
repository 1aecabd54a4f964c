/** Moderation inside the turn: the configured service, or the word list when it keeps failing. */
import { callWithRetries, MODEL_RETRIES } from './call-with-retries';
import type { ReplyBrief, TurnStep } from './turn-contract';
import type { TurnIO } from './turn-io';

export interface Verdict {
  flagged: boolean;
  categories: string[];
  step?: TurnStep;
}

/**
 * Checks `text` by the bot's policy. If the moderation service itself keeps failing, the word list
 * decides: a message is never let through unchecked, and never left unanswered.
 */
export async function moderate(text: string, of: 'inbound' | 'reply', brief: ReplyBrief, io: TurnIO): Promise<Verdict> {
  if (brief.bot.moderationPolicy === 'off') return { flagged: false, categories: [] };
  io.progress(`moderating the ${of === 'inbound' ? 'message' : 'reply'}`);
  const configured = await callWithRetries(io, MODEL_RETRIES, () => io.moderate(text, 'configured'));
  const verdict = configured.ok ? configured.value : await io.moderate(text, 'word-list');
  const step: TurnStep = {
    step: 'moderate',
    of,
    flagged: verdict.flagged,
    categories: verdict.categories,
    provider: verdict.provider,
    ...(configured.ok ? {} : { degraded: `the moderation service failed (${configured.failure.message}); the word list decided` }),
  };
  return { flagged: verdict.flagged, categories: verdict.categories, step };
}

