import { normaliseId, normaliseText } from './normalise-inbound';

/**
 * What happens to a message after it was sent: an edit, a delete, a reaction. The bot answers none
 * of them; they change the stored record. `ref` is how the platform names the message in the
 * change: the message's `nativeId` (`InboundMessage.nativeId`, else its `messageId`).
 */
export type MessageChange =
  | { kind: 'edit'; ref: string; text: string }
  | { kind: 'delete'; ref: string }
  | { kind: 'reaction'; ref: string; reply: ReplyRef; userId: string; emoji: string; added: boolean };

/**
 * A reaction may name one of the bot's replies instead (most do: WhatsApp sends reactions to the
 * business's messages only): the chat it is in and the platform's id of one of its parts, as the
 * send returned it (`DeliveryReceipt.platformMessageIds`).
 */
export interface ReplyRef {
  chatId: string;
  platformMessageId: string;
}

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

/** The change as the store can hold it: the same rules as a new message's text and ids (`normaliseInbound`). */
export function normaliseChange(change: MessageChange): MessageChange {
  const ref = normaliseId(change.ref);
  switch (change.kind) {
    case 'edit':
      return { ...change, ref, text: normaliseText(change.text) };
    case 'delete':
      return { ...change, ref };
    case 'reaction':
      return {
        ...change,
        ref,
        reply: { chatId: normaliseId(change.reply.chatId), platformMessageId: normaliseId(change.reply.platformMessageId) },
        userId: normaliseId(change.userId),
        emoji: normaliseId(change.emoji),
      };
  }
}
