/** When the person asks for a human, and the fixed notices that go with a handoff. Pure. */

/** Polite, fixed messages that need no model. */
export const NOTICES = {
  handoffRequested: "I've asked a person from our team to join. They'll reply here soon.",
  autoReleased: "Thanks for waiting. Nobody from our team is free right now, so I'm back to help. What can I do for you?",
} as const;

/** The simple rule for "the user asks for a human"; a model can do better later. */
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
