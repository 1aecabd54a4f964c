/**
 * Memory within a token budget. The prompt is the bot's instructions, the running summary, the
 * recent turns and the person's message; when it would pass the bot's budget (or the recent turns
 * pass `MEMORY.foldAtEntries`), the oldest turns fold into the summary, written by the model in a
 * summarising step of its own. Tokens are counted with `gpt-tokenizer` (o200k_base, the encoding
 * of OpenAI's current models), offline; for other models it is a close estimate.
 */
import { countTokens, decode, encode } from 'gpt-tokenizer';
import type { HistoryEntry } from '../conversations/history-entry';
import { callWithRetries, MODEL_RETRIES } from './call-with-retries';
import type { ReplyBrief } from './turn-contract';
import type { TurnIO } from './turn-io';

export const MEMORY = {
  /** Fold when this many recent entries pile up, whatever their tokens: they are carried in the workflow's state. */
  foldAtEntries: 40,
  /** The recent entries a fold always keeps, when they fit. */
  keepEntries: 4,
  /** The share of the budget the summary may take. */
  summaryShare: 0.25,
  /** What each message costs beyond its text in a chat prompt (role and separators). */
  tokensPerMessage: 4,
} as const;

export interface PromptSize {
  tokens: number;
  budget: number;
}

export function entryTokens(entries: readonly HistoryEntry[]): number {
  return entries.reduce((sum, entry) => sum + countTokens(entry.text) + MEMORY.tokensPerMessage, 0);
}

/** The prompt's size in tokens, as the model would count it (closely). */
export function promptTokens(brief: Pick<ReplyBrief, 'userText' | 'history' | 'summary'> & { bot: { systemPrompt: string } }): number {
  const fixed = countTokens(brief.bot.systemPrompt) + countTokens(brief.summary ?? '') + countTokens(brief.userText) + 2 * MEMORY.tokensPerMessage;
  return fixed + entryTokens(brief.history);
}

/**
 * How many of the oldest entries must fold into the summary for the prompt to fit, with room for
 * a summary of `summaryShare` of the budget; 0 when it fits as it is.
 */
export function entriesToFold(brief: ReplyBrief): number {
  const { history } = brief;
  const budget = brief.bot.contextTokenBudget;
  if (history.length === 0) return 0;
  if (promptTokens(brief) <= budget && history.length <= MEMORY.foldAtEntries) return 0;
  // Room for recent entries: the budget less the summary's share and the rest of the prompt.
  const room = budget - Math.floor(budget * MEMORY.summaryShare) - promptTokens({ ...brief, history: [], summary: null });
  // Keep the newest entries that fit, up to half the fold threshold; fold the rest, at least one.
  let keep = 0;
  let used = 0;
  while (keep < history.length && keep < MEMORY.foldAtEntries / 2) {
    const next = entryTokens([history[history.length - 1 - keep]!]);
    if (used + next > room) break;
    used += next;
    keep++;
  }
  return Math.max(1, history.length - keep);
}

/** Cuts `text` to at most `maxTokens` tokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const tokens = encode(text);
  return tokens.length <= maxTokens ? text : decode(tokens.slice(0, maxTokens));
}

export interface Remembered {
  summary: string | null;
  /** Oldest entries folded into it (and to drop from the history). */
  folded: number;
  tokens: { prompt: number; completion: number } | null;
  /** Set when the summary could not be written: the folded turns are dropped without it. */
  degraded?: string;
}

/** Folds what does not fit into the summary; the summary is saved with the conversation. */
export async function remember(brief: ReplyBrief, io: TurnIO): Promise<Remembered | undefined> {
  const folded = entriesToFold(brief);
  if (folded === 0) return undefined;
  io.progress('folding the oldest turns into the summary');
  const maxTokens = Math.floor(brief.bot.contextTokenBudget * MEMORY.summaryShare);
  const result = await callWithRetries(io, MODEL_RETRIES, () =>
    io.summarise({ model: brief.bot.model, previousSummary: brief.summary, entries: brief.history.slice(0, folded), maxTokens }),
  );
  if (!result.ok) {
    // Without a summary, keep the recent history: the turn still fits its budget and is answered.
    return { summary: brief.summary, folded, tokens: null, degraded: result.failure.message };
  }
  const summary = truncateToTokens(result.value.text, maxTokens);
  await io.saveSummary(summary);
  return { summary, folded, tokens: result.value.tokens };
}
