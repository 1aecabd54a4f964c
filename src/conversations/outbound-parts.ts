/**
 * What goes out, named and paced: the deterministic keys of a reply and of each of its parts (a
 * retried or replayed send is recognised by the send path and the database), and the wait that
 * keeps a chat inside its platform's rate. Pure: the workflow and the turn's pipeline both use it.
 */
import type { InboundMessage } from './inbound-message';

/** Deterministic, so a retried or replayed send is recognised by the send path and the database. */
export function outboundKeyFor(messages: readonly InboundMessage[]): string {
  const last = messages[messages.length - 1];
  if (!last) throw new Error('outboundKeyFor needs at least one message');
  return `reply:${last.messageId}`;
}

/**
 * A proactive message's key: its outbound key, and the id the conversation has seen it by. Its
 * client's idempotency key, apart from any platform's message ids.
 */
export function proactiveMessageId(clientKey: string): string {
  return `proactive:${clientKey}`;
}

/** The key of one part of a reply: the reply's own key when it goes out whole. */
export function outboundPartKey(outboundKey: string, index: number, total: number): string {
  return total === 1 ? outboundKey : `${outboundKey}#${index + 1}/${total}`;
}

/** How long to wait before the next message to this chat, to stay inside the platform's rate. */
export function paceDelayMs(args: { lastSentAt: number | null; now: number; minIntervalMs: number }): number {
  if (args.lastSentAt === null) return 0;
  return Math.max(0, args.lastSentAt + args.minIntervalMs - args.now);
}
