/**
 * Understanding without a model: sentiment from the AFINN-165 lexicon (`sentiment`, English words
 * only: other languages read as neutral), language from `tinyld`, the intent from the bot's example
 * phrases. Used offline, and whenever the model's classification fails.
 */
import Sentiment from 'sentiment';
import { detectAll } from 'tinyld';
import { matchIntentByExamples, UNSPACED_SCRIPT } from './example-matcher';
import type { Intent } from './intents';
import { OTHER_INTENT } from './intents';
import { primaryLanguage, UNDETERMINED_LANGUAGE } from '../conversations/language';
import { clamp, sentimentLabel, type Understanding } from './understanding';

const lexicon = new Sentiment();

/**
 * When tinyld's guess is taken. One word is too little ("hello" reads as Italian), so a guess needs
 * a high accuracy, or a few words and a clear lead over the next; a script written without spaces
 * (Chinese, Japanese) tells enough by itself.
 */
const LANGUAGE_GUESS = { sure: 0.5, wordsForWeakGuess: 3, weakAccuracyMin: 0.1, leadOverNext: 1.5 } as const;

export function understandLocally(text: string, intents: readonly Intent[]): Understanding {
  // AFINN scores words from -5 to 5; `comparative` averages them over the words of the text.
  const score = Math.round(clamp(lexicon.analyze(text).comparative / 2, -1, 1) * 100) / 100;
  return {
    sentiment: { label: sentimentLabel(score), score },
    intent: matchIntentByExamples(text, intents) ?? { name: OTHER_INTENT, confidence: 0 },
    language: detectLanguage(text),
    decidedBy: 'local',
  };
}

export function detectLanguage(text: string): string {
  const [best, next] = detectAll(text);
  if (!best) return UNDETERMINED_LANGUAGE;
  const words = text.split(/\s+/).filter((word) => /\p{L}/u.test(word)).length;
  const taken =
    best.accuracy >= LANGUAGE_GUESS.sure ||
    UNSPACED_SCRIPT.test(text) ||
    (words >= LANGUAGE_GUESS.wordsForWeakGuess &&
      best.accuracy >= LANGUAGE_GUESS.weakAccuracyMin &&
      best.accuracy >= LANGUAGE_GUESS.leadOverNext * (next?.accuracy ?? 0));
  return taken ? primaryLanguage(best.lang) : UNDETERMINED_LANGUAGE;
}
