import { type ClosedLoopResult, runClosedLoop } from './closed-loop-load';
import { ChatPool, forEachBounded } from './chat-pool';
import { progressBar } from './progress-bar';
import type { ReplyWatch } from './reply-watch';

/** Something that answers chat messages: the product, the naive handler or the floor. */
export interface ReplyTarget {
  name: string;
  send(chatId: number, token: string): Promise<void>;
  replies: ReplyWatch;
  /** Least time between a reply and the next message in the same chat (Telegram pacing). */
  minGapMs: number;
}

let sequence = 0;

/** Sends one message and resolves with when its reply arrived (Date.now()). */
export async function roundTrip(target: ReplyTarget, chatId: number, tag: string, timeoutMs = 60_000): Promise<{ sentAt: number; repliedAt: number }> {
  const token = `${tag}-${++sequence}`;
  const reply = target.replies.expect(token, timeoutMs);
  reply.catch(() => undefined);
  const sentAt = Date.now();
  await target.send(chatId, token);
  return { sentAt, repliedAt: await reply };
}

/** One message to every chat, so the measured phase finds conversations already open. */
export async function warmUp(target: ReplyTarget, chatIds: number[], concurrency: number): Promise<void> {
  const bar = progressBar(`${target.name}: open ${chatIds.length} chats`, chatIds.length);
  await forEachBounded(chatIds, concurrency, async (chatId) => void (await roundTrip(target, chatId, `${target.name}-warm`)), (done) => bar.update(done));
  bar.finish();
}

/**
 * `concurrency` senders, each sending a message and waiting for its reply, over the chats in
 * turn, for `durationMs`: the replies a second the target sustains, and their latency.
 */
export async function measureReplies(
  target: ReplyTarget,
  args: { chatIds: number[]; concurrency: number; durationMs: number; label?: string },
): Promise<ClosedLoopResult> {
  const pool = new ChatPool(args.chatIds, target.minGapMs);
  return runClosedLoop({
    label: args.label ?? `${target.name}: ${args.concurrency} senders`,
    concurrency: args.concurrency,
    durationMs: args.durationMs,
    async iteration() {
      const chatId = await pool.take();
      try {
        const { sentAt, repliedAt } = await roundTrip(target, chatId, target.name);
        pool.give(chatId, repliedAt);
        return repliedAt - sentAt;
      } catch (error) {
        pool.give(chatId, Date.now());
        throw error;
      }
    },
  });
}

export function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}
