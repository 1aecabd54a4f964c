/**
 * The handoff rule and notices of conversations of the first shape, frozen with them: a run that
 * replays must decide as it did. Conversations of today's shape recognise the `human` intent in
 * any language (`src/understanding/`) and send their notices in the person's language.
 */
import { NOTICE_TEXTS } from '../../src/conversations/notices';

export const NOTICES = {
  handoffRequested: NOTICE_TEXTS.handoffRequested.en,
  autoReleased: NOTICE_TEXTS.autoReleased.en,
} as const;

export const REFUSAL_REPLY = NOTICE_TEXTS.refusal.en;

/** The English rule for "the user asks for a human". */
const ASKS_FOR_HUMAN =
  /\b(talk|speak|chat|connect|transfer)\b.{0,30}\b(human|person|agent|operator|someone|representative)\b|\b(real person|live agent|human agent)\b/i;

/** Whether the user asks for a human, by the bot's own rule when it has one. */
export function asksForHuman(text: string, pattern: string | null = null): boolean {
  if (pattern !== null) {
    try {
      return new RegExp(pattern, 'i').test(text);
    } catch {
      // Patterns are checked when saved; an unreadable one falls back to the built-in rule.
    }
  }
  return ASKS_FOR_HUMAN.test(text);
}
