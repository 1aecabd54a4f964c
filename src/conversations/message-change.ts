/**
 * What happens to a message after it was sent: an edit, a delete, a reaction. The bot answers none
 * of them; they change the stored record. `ref` is how the platform names the message in the
 * change: the message's `nativeId` (`InboundMessage.nativeId`, else its `messageId`).
 */
export type MessageChange =
  | { kind: 'edit'; ref: string; text: string }
  | { kind: 'delete'; ref: string }
  | { kind: 'reaction'; ref: string; userId: string; emoji: string; added: boolean };

/** A reaction as stored on the message. */
export interface Reaction {
  userId: string;
  emoji: string;
}

/** A text a message had before an edit replaced it. */
export interface PreviousText {
  text: string;
  replacedAt: string;
}

/** The message's reactions after a change: one of each emoji per person; removing one that is not there changes nothing. */
export function applyReaction(reactions: readonly Reaction[], change: { userId: string; emoji: string; added: boolean }): Reaction[] {
  // An empty emoji removed is "every reaction of this person" (WhatsApp says no more than that).
  const others = reactions.filter((r) => !(r.userId === change.userId && (r.emoji === change.emoji || (change.emoji === '' && !change.added))));
  return change.added ? [...others, { userId: change.userId, emoji: change.emoji }] : others;
}
