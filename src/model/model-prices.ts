/**
 * What a model's tokens cost, in US dollars per million tokens. The defaults are OpenAI's list
 * prices for common models (standard tier, uncached input), as published in 2025; configuration
 * (`MODEL_PRICES`) overrides or adds models, for other providers, discounts or price changes.
 */
import { roundUsd } from './model-usage';

export interface ModelPrice {
  /** Dollars per million prompt (input) tokens. */
  prompt: number;
  /** Dollars per million completion (output) tokens. */
  completion: number;
}

export type ModelPrices = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_MODEL_PRICES: ModelPrices = {
  'gpt-5': { prompt: 1.25, completion: 10 },
  'gpt-5-mini': { prompt: 0.25, completion: 2 },
  'gpt-5-nano': { prompt: 0.05, completion: 0.4 },
  'gpt-4.1': { prompt: 2, completion: 8 },
  'gpt-4.1-mini': { prompt: 0.4, completion: 1.6 },
  'gpt-4.1-nano': { prompt: 0.1, completion: 0.4 },
  'gpt-4o': { prompt: 2.5, completion: 10 },
  'gpt-4o-mini': { prompt: 0.15, completion: 0.6 },
  'gpt-4-turbo': { prompt: 10, completion: 30 },
  'gpt-3.5-turbo': { prompt: 0.5, completion: 1.5 },
  o3: { prompt: 2, completion: 8 },
  'o3-mini': { prompt: 1.1, completion: 4.4 },
  'o4-mini': { prompt: 1.1, completion: 4.4 },
};

/**
 * The price of `model`: its own entry, else the longest entry it starts with followed by `-`
 * (`gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`, not as `gpt-4o`); undefined when none.
 */
export function priceOf(model: string, prices: ModelPrices): ModelPrice | undefined {
  if (prices[model]) return prices[model];
  const family = Object.keys(prices)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family === undefined ? undefined : prices[family];
}

export function costOf(model: string, tokens: { prompt: number; completion: number }, prices: ModelPrices): number | null {
  const price = priceOf(model, prices);
  if (!price) return null;
  return roundUsd((tokens.prompt * price.prompt + tokens.completion * price.completion) / 1_000_000);
}
