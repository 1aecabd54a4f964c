/**
 * Chats handed out one sender at a time, least recently used first. A chat comes back usable
 * `minGapMs` after its last reply, so a platform's per-chat pacing (Telegram: one message a second)
 * never shows up as latency.
 */
export class ChatPool {
  private readonly queue: Array<{ chatId: number; availableAt: number }>;

  constructor(
    chatIds: number[],
    private readonly minGapMs: number,
  ) {
    this.queue = chatIds.map((chatId) => ({ chatId, availableAt: 0 }));
  }

  async take(): Promise<number> {
    for (;;) {
      const head = this.queue.shift();
      if (!head) {
        await sleep(1);
        continue;
      }
      const wait = head.availableAt - Date.now();
      if (wait > 0) await sleep(wait);
      return head.chatId;
    }
  }

  give(chatId: number, lastReplyAt: number): void {
    this.queue.push({ chatId, availableAt: lastReplyAt + this.minGapMs });
  }
}

/** Runs `fn` over `items` with at most `concurrency` at once; `onDone` after each. */
export async function forEachBounded<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
  onDone?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index]!, index);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls `fn` until it succeeds, up to `attempts` times, as a platform redelivers an unacknowledged webhook. */
export async function retrying<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(500 * attempt);
    }
  }
}
