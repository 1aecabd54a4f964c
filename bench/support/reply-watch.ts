import type { FakeTelegram } from '../../test/fakes/fake-telegram';

/**
 * Waits for replies by token. Benchmark messages say `bench <token>`, the fake model echoes them
 * (`echo: bench <token>`), and a source (the fake Telegram, or the floor worker over IPC) reports
 * when each reply arrived.
 */
export interface ReplyWatch {
  /** Resolves with Date.now() at the reply's arrival. Call before sending, so no reply is missed. */
  expect(token: string, timeoutMs?: number): Promise<number>;
  arrived(token: string, at: number): void;
  /** Replies seen so far, expected or not. */
  readonly count: number;
  close(): void;
}

const REPLY_TEXT = /^echo: bench (\S+)/;

export function benchText(token: string): string {
  return `bench ${token}`;
}

export function createReplyWatch(): ReplyWatch & { stopSources: Array<() => void> } {
  const waiters = new Map<string, { resolve: (at: number) => void; timer: NodeJS.Timeout }>();
  let count = 0;
  const stopSources: Array<() => void> = [];
  return {
    stopSources,
    expect(token, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(token);
          reject(new Error(`no reply to "${benchText(token)}" within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiters.set(token, { resolve, timer });
      });
    },
    arrived(token, at) {
      count++;
      const waiter = waiters.get(token);
      if (!waiter) return;
      waiters.delete(token);
      clearTimeout(waiter.timer);
      waiter.resolve(at);
    },
    get count() {
      return count;
    },
    close() {
      stopSources.forEach((stop) => stop());
      for (const { timer } of waiters.values()) clearTimeout(timer);
      waiters.clear();
    },
  };
}

/** Feeds `watch` from the sendMessage calls the fake Telegram accepted, using the time it recorded. */
export function watchTelegram(watch: ReturnType<typeof createReplyWatch>, telegram: FakeTelegram): void {
  let cursor = telegram.requests.length;
  const poll = setInterval(() => {
    const requests = telegram.requests;
    for (; cursor < requests.length; cursor++) {
      const request = requests[cursor]!;
      if (request.status !== 200 || !request.path.endsWith('/sendMessage')) continue;
      const match = REPLY_TEXT.exec(String(request.body?.text ?? ''));
      if (match) watch.arrived(match[1]!, request.at);
    }
  }, 2);
  watch.stopSources.push(() => clearInterval(poll));
}
