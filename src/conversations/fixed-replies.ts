/** Polite, fixed answer to a message (or a reply) that moderation blocks. */
export const REFUSAL_REPLY =
  "Sorry, I can't help with that message. If you think this is a mistake, please rephrase it.";
