/**
 * "The bot is typing…" while the model writes a reply. Platforms show one typing signal for a few
 * seconds (Telegram 5 s), so it is sent again a little before it fades, until the reply goes out.
 * Showing it is best effort: a signal gives up after a short timeout, a failure is reported once
 * and ends the indicator for the turn, and nothing here ever throws or delays the reply for long.
 */

export interface TypingIndicator {
  /** Shows it now and keeps it shown; a second call does nothing. */
  start(): void;
  /**
   * Stops keeping it shown, after waiting for a signal already on its way (so none lands after the
   * reply, which would show "typing" again). With `withdraw`, also takes it back where the platform
   * can: no reply is coming. Never rejects.
   */
  stop(options?: { withdraw?: boolean }): Promise<void>;
}

export interface TypingIndicatorOptions {
  /** Sends one signal; `abort` fires when it took too long. May throw. */
  send(state: 'start' | 'stop', abort: AbortSignal): Promise<void>;
  /** How long the platform shows one signal; it is repeated after four fifths of that. */
  lastsMs: number;
  /** Called once, with the first failure; the indicator then stays quiet. */
  onFailure(error: unknown): void;
  /** How long one signal may take. Default 2 s. */
  timeoutMs?: number;
}

export const TYPING_SIGNAL_TIMEOUT_MS = 2_000;

export function createTypingIndicator(options: TypingIndicatorOptions): TypingIndicator {
  const { send, onFailure, timeoutMs = TYPING_SIGNAL_TIMEOUT_MS } = options;
  const repeatMs = Math.max(1, Math.round(options.lastsMs * 0.8));
  let started = false;
  let stopped = false;
  let failed = false;
  let withdrawn = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  /** One signal, bounded by the timeout whether or not `send` honours its abort signal. */
  function signal(state: 'start' | 'stop'): Promise<void> {
    const controller = new AbortController();
    let expiry: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      expiry = setTimeout(() => {
        const error = new Error(`The typing signal took longer than ${timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const sending = Promise.resolve().then(() => send(state, controller.signal));
    return Promise.race([sending, timedOut])
      .catch((error: unknown) => {
        if (!failed) {
          try {
            onFailure(error);
          } catch {
            // Reporting is best effort too: nothing leaves the indicator.
          }
        }
        failed = true;
        stopped = true;
        clearTimeout(timer);
      })
      .finally(() => clearTimeout(expiry));
  }

  function show(): void {
    if (stopped || failed) return;
    // A signal still on its way is not doubled: the next one follows the repeat after it.
    if (!inFlight) {
      const current = signal('start').finally(() => {
        if (inFlight === current) inFlight = undefined;
      });
      inFlight = current;
    }
    timer = setTimeout(show, repeatMs);
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      show();
    },
    async stop({ withdraw = false } = {}) {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      if (withdraw && started && !failed && !withdrawn) {
        withdrawn = true;
        await signal('stop');
      }
    },
  };
}
