/**
 * Recognises an intent by its example phrases, without a model. A phrase matches when most of it
 * appears in the message: its words (or, in scripts written without spaces, its pairs of
 * characters), weighted by length so that "humano" counts for more than "un". Pure.
 */
import type { Intent } from './intents';

/** The share of an example's weight the message must contain. */
export const MATCH_THRESHOLD = 0.8;

/** Scripts written without spaces between words. */
export const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

/** The tokens of a text, case- and accent-folded: words, and character pairs where words have no spaces. */
export function tokensOf(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase();
  const tokens: string[] = [];
  for (const run of folded.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) {
    if (!UNSPACED_SCRIPT.test(run)) {
      tokens.push(run);
      continue;
    }
    const chars = [...run];
    if (chars.length === 1) tokens.push(run);
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
  }
  return tokens;
}

/** How much of `example` the message's tokens contain, from 0 to 1. */
export function containment(example: readonly string[], message: ReadonlySet<string>): number {
  const weight = (token: string) => [...token].length;
  const total = example.reduce((sum, token) => sum + weight(token), 0);
  if (total === 0) return 0;
  const found = example.reduce((sum, token) => sum + (message.has(token) ? weight(token) : 0), 0);
  return found / total;
}

/** The best-matching intent and how well it matched; `undefined` when no example passes the threshold. */
export function matchIntentByExamples(text: string, intents: readonly Intent[]): { name: string; confidence: number } | undefined {
  const message = new Set(tokensOf(text));
  let best: { name: string; confidence: number } | undefined;
  for (const intent of intents) {
    for (const example of intent.examples) {
      const score = containment(tokensOf(example), message);
      if (score >= MATCH_THRESHOLD && score > (best?.confidence ?? 0)) best = { name: intent.name, confidence: Math.round(score * 100) / 100 };
    }
  }
  return best;
}
