/** What the turn's pipeline understood of a person's message, stored on its row. Pure. */

export type Sentiment = 'negative' | 'neutral' | 'positive';

export interface Understanding {
  /** `score` runs from -1 (most negative) to 1 (most positive). */
  sentiment: { label: Sentiment; score: number };
  /** One of the bot's intents, or `other`; `confidence` from 0 to 1. */
  intent: { name: string; confidence: number };
  /** A BCP-47 primary language tag (`es`, `de`, `zh`), or `und` when it cannot be told. */
  language: string;
  /** Who decided: the model's classification, or the local packages (offline, or when the model failed). */
  decidedBy: 'model' | 'local';
}

/** A score's label: within ±0.05 of zero is neutral. */
export function sentimentLabel(score: number): Sentiment {
  if (score > 0.05) return 'positive';
  if (score < -0.05) return 'negative';
  return 'neutral';
}

export function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : 0;
}
