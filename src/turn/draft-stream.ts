/**
 * The reply as the model writes it, shown while it grows (the web chat). Only what the bot's
 * moderation policy allows is shown: under `off` and `flag`, each piece as it comes; under `block`,
 * sentence by sentence, each once moderation passed it. A flagged sentence stops the stream and
 * takes the draft back; the turn then answers with the refusal. Showing is best effort: a draft
 * that cannot be published never fails the turn, and the stored reply replaces it.
 */
import type { Verdict } from './moderation';

export interface DraftSink {
  /** Shows `delta` at `offset` of draft `generation` (a new generation starts clean). */
  publish(piece: { generation: number; offset: number; delta: string }): Promise<void>;
  /** Takes the shown draft back. */
  discard(): Promise<void>;
}

export interface DraftStream {
  /** Passes on a piece of the reply as the model writes it. */
  push(delta: string): void;
  /** Starts over clean, as a retried model call does. */
  restart(): void;
  /** Shows the rest; resolves with the verdict of a sentence that moderation flagged, if one was. */
  finish(): Promise<Verdict | undefined>;
  /** Takes the draft back (the model asked for tools, or a human took over). */
  discard(): Promise<void>;
}

/** Where a sentence ends: its punctuation (and closing quotes), then a space; or a line break. */
const SENTENCE_END = /[.!?…。！？]+["'”’)\]]*(\s|$)|\n/g;
/** Pieces are gathered this long before they are shown: a notification each, not one per token. */
const FLUSH_MS = 80;
/** A Postgres notification holds 8,000 bytes: pieces are cut well under it. */
const MAX_PIECE_CHARS = 1500;

export function createDraftStream(options: {
  policy: 'off' | 'flag' | 'block';
  sink: DraftSink;
  /** Moderates a sentence (under `block`). */
  check: (text: string) => Promise<Verdict>;
}): DraftStream {
  const { policy, sink, check } = options;
  let generation = 0;
  let written = '';
  /** How much of `written` may be shown, and how much was. */
  let cleared = 0;
  let shown = 0;
  /** Under `block`: how much of `written` went to moderation. */
  let queued = 0;
  let moderating: Promise<void> = Promise.resolve();
  let flagged: Verdict | undefined;
  let timer: NodeJS.Timeout | undefined;
  let publishing: Promise<void> = Promise.resolve();

  function schedule(): void {
    timer ??= setTimeout(() => {
      timer = undefined;
      flush();
    }, FLUSH_MS);
  }

  function flush(): void {
    const mine = generation;
    while (shown < cleared && !flagged) {
      const delta = written.slice(shown, Math.min(cleared, shown + MAX_PIECE_CHARS));
      const offset = shown;
      shown += delta.length;
      publishing = publishing.then(() => sink.publish({ generation: mine, offset, delta })).catch(() => undefined);
    }
  }

  function moderateUpTo(end: number): void {
    if (end <= queued) return;
    const sentence = written.slice(queued, end);
    const mine = generation;
    queued = end;
    moderating = moderating.then(async () => {
      if (flagged || mine !== generation) return;
      const verdict = await check(sentence).catch(() => undefined);
      if (mine !== generation) return;
      if (verdict?.flagged) {
        flagged = verdict;
        await sink.discard().catch(() => undefined);
        return;
      }
      // A check that could not be made shows nothing more: the stored reply will be moderated whole.
      if (verdict) cleared = Math.max(cleared, end);
      schedule();
    });
  }

  return {
    push(delta) {
      if (flagged || delta === '') return;
      written += delta;
      if (policy !== 'block') {
        cleared = written.length;
        schedule();
        return;
      }
      let end = -1;
      for (const match of written.slice(queued).matchAll(SENTENCE_END)) end = queued + match.index + match[0].length;
      if (end > queued) moderateUpTo(end);
    },
    restart() {
      if (shown > 0) void sink.discard().catch(() => undefined);
      generation++;
      written = '';
      cleared = shown = queued = 0;
      flagged = undefined;
    },
    async finish() {
      if (policy === 'block') moderateUpTo(written.length);
      await moderating;
      clearTimeout(timer);
      timer = undefined;
      flush();
      await publishing;
      return flagged;
    },
    async discard() {
      await moderating;
      clearTimeout(timer);
      timer = undefined;
      await publishing;
      if (shown > 0 && !flagged) await sink.discard().catch(() => undefined);
      written = '';
      cleared = shown = queued = 0;
    },
  };
}
