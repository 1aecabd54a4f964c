import { createTypingIndicator, type TypingIndicatorOptions } from '../../../src/turn/typing-indicator';

/** A platform on a fake clock: records each signal with the time it was sent, and answers after `answerMs`. */
function fakePlatform(behaviour: { answerMs?: number; fail?: (count: number) => boolean } = {}) {
  const signals: Array<{ state: string; at: number }> = [];
  const failures: unknown[] = [];
  const options: TypingIndicatorOptions = {
    lastsMs: 5_000,
    async send(state, abort) {
      signals.push({ state, at: Date.now() });
      const count = signals.length;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, behaviour.answerMs ?? 50);
        abort.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(abort.reason);
        });
      });
      if (behaviour.fail?.(count)) throw new Error(`HTTP 500 on signal ${count}`);
    },
    onFailure: (error) => failures.push(error),
  };
  return { signals, failures, options };
}

describe('the typing indicator', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('shows typing at once and again every four fifths of how long the platform shows it, until stopped', async () => {
    const platform = fakePlatform();
    const typing = createTypingIndicator(platform.options);
    typing.start();
    typing.start(); // a second start does not double anything
    await jest.advanceTimersByTimeAsync(12_500);
    expect(platform.signals).toEqual([
      { state: 'start', at: 0 },
      { state: 'start', at: 4_000 },
      { state: 'start', at: 8_000 },
      { state: 'start', at: 12_000 },
    ]);
    await typing.stop();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(platform.signals).toHaveLength(4);
    expect(platform.failures).toEqual([]);
  });

  it('waits for a signal on its way before it stops, so none lands after the reply', async () => {
    const platform = fakePlatform({ answerMs: 800 });
    const typing = createTypingIndicator(platform.options);
    typing.start();
    let stopped = false;
    const stopping = typing.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(false);
    await jest.advanceTimersByTimeAsync(300);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('takes typing back only when asked to, only once, and only when it was shown', async () => {
    const platform = fakePlatform();
    const shown = createTypingIndicator(platform.options);
    shown.start();
    await jest.advanceTimersByTimeAsync(100);
    const withdrawing = shown.stop({ withdraw: true });
    await jest.advanceTimersByTimeAsync(100);
    await withdrawing;
    const again = shown.stop({ withdraw: true });
    await jest.advanceTimersByTimeAsync(100);
    await again;
    expect(platform.signals.map((s) => s.state)).toEqual(['start', 'stop']);

    const never = fakePlatform();
    await createTypingIndicator(never.options).stop({ withdraw: true });
    expect(never.signals).toEqual([]);
  });

  it('gives a signal up after its timeout, reports it once and stays quiet, and never throws', async () => {
    const platform = fakePlatform({ answerMs: 60_000 });
    const typing = createTypingIndicator({ ...platform.options, timeoutMs: 2_000 });
    typing.start();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(platform.signals).toHaveLength(1);
    expect(platform.failures).toHaveLength(1);
    expect(String(platform.failures[0])).toContain('longer than 2000 ms');
    await expect(typing.stop({ withdraw: true })).resolves.toBeUndefined();
    expect(platform.signals).toHaveLength(1);
  });

  it('stops repeating after a platform error, which it reports once', async () => {
    const platform = fakePlatform({ fail: (count) => count >= 2 });
    const typing = createTypingIndicator(platform.options);
    typing.start();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(platform.signals.map((s) => s.at)).toEqual([0, 4_000]);
    expect(platform.failures.map(String)).toEqual(['Error: HTTP 500 on signal 2']);
    await typing.stop({ withdraw: true });
    expect(platform.signals).toHaveLength(2);
  });

  it('survives a send that throws before it even starts', async () => {
    const failures: unknown[] = [];
    const typing = createTypingIndicator({
      lastsMs: 5_000,
      send: () => {
        throw new Error('no channel');
      },
      onFailure: (error) => failures.push(error),
    });
    typing.start();
    await jest.advanceTimersByTimeAsync(10);
    await typing.stop();
    expect(failures.map(String)).toEqual(['Error: no channel']);
  });

  it('never shows typing after it was stopped', async () => {
    const platform = fakePlatform();
    const typing = createTypingIndicator(platform.options);
    await typing.stop();
    typing.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(platform.signals).toEqual([]);
  });
});
