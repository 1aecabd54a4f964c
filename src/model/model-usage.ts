/** What the model calls of one turn used and cost, step by step. Pure. */

export type UsageStep = 'understand' | 'summarise' | 'reply' | 'tool';

export interface ModelUsage {
  step: UsageStep;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** In US dollars, from the price table (`model-prices.ts`); null for a model without a price. */
  costUsd: number | null;
}

export interface UsageTotals {
  promptTokens: number;
  completionTokens: number;
  /** The sum of the known costs; null when no step had one. */
  costUsd: number | null;
}

export function usageTotals(usage: readonly ModelUsage[]): UsageTotals {
  const priced = usage.filter((entry) => entry.costUsd !== null);
  return {
    promptTokens: usage.reduce((sum, entry) => sum + entry.promptTokens, 0),
    completionTokens: usage.reduce((sum, entry) => sum + entry.completionTokens, 0),
    costUsd: priced.length === 0 ? null : roundUsd(priced.reduce((sum, entry) => sum + entry.costUsd!, 0)),
  };
}

/** Dollars to a millionth of a cent: enough for a turn of the cheapest model, no float noise. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
