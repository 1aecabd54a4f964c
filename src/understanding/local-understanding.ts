/**
 * Understanding without a model: sentiment from the AFINN-165 lexicon (`sentiment`, English words
 * only: other languages read as neutral), language from `tinyld`, the intent from the bot's example
 * phrases. Used offline, and whenever the model's classification fails.
 */
import Sentiment from 'sentiment';
import { detectAll } from 'tinyld';
import { matchIntentByExamples } from './example-matcher';
import type { Intent } from './intents';
import { OTHER_INTENT } from './intents';
import { clamp, primaryLanguage, sentimentLabel, UNDETERMINED_LANGUAGE, type Understanding } from './understanding';

const lexicon = new Sentiment();

/** tinyld's own accuracy below which a guess is not taken (one short word, a number). */
const LANGUAGE_ACCURACY_MIN = 0.1;

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
  const [best] = detectAll(text);
  return best && best.accuracy >= LANGUAGE_ACCURACY_MIN ? primaryLanguage(best.lang) : UNDETERMINED_LANGUAGE;
}
