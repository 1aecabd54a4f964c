import { countTokens } from 'gpt-tokenizer';
import type { HistoryEntry } from '../../../src/conversations/history-entry';
import { entriesToFold, MEMORY, promptTokens, truncateToTokens } from '../../../src/turn/memory';
import type { ReplyBrief } from '../../../src/turn/turn-contract';

const bot = {
  systemPrompt: 'You are a helpful assistant.',
  model: 'gpt-4o-mini',
  temperature: null,
  maxReplyTokens: null,
  moderationPolicy: 'off' as const,
  fallbackReply: 'Sorry.',
  contextTokenBudget: 500,
  intents: [],
  handoffPattern: null,
  maxToolSteps: 4,
  vision: null,
  offerChoices: false,
  tools: [],
};
const turns = (n: number, words = 20): HistoryEntry[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', text: `turn ${i}: ${'word '.repeat(words)}`.trim() }));
const brief = (history: HistoryEntry[], overrides: Partial<ReplyBrief> = {}): ReplyBrief => ({ messageIds: ['m1'], language: null, userText: 'and now?', history, summary: null, bot, ...overrides });

describe('memory within a token budget', () => {
  it('counts the prompt in tokens of the model: instructions, summary, turns and the message', () => {
    const b = brief(turns(2), { summary: 'The person is Zelda.' });
    const parts = [bot.systemPrompt, 'The person is Zelda.', 'and now?', ...b.history.map((e) => e.text)];
    expect(promptTokens(b)).toBe(parts.reduce((n, text) => n + countTokens(text), 0) + (2 + 2) * MEMORY.tokensPerMessage);
  });

  it('folds nothing while the prompt fits, and enough of the oldest turns once it would not', () => {
    expect(entriesToFold(brief(turns(4)))).toBe(0);
    const long = brief(turns(30));
    expect(promptTokens(long)).toBeGreaterThan(bot.contextTokenBudget);
    const folded = entriesToFold(long);
    const kept = brief(long.history.slice(folded));
    // What is kept, with a summary at its full share, fits the budget.
    expect(promptTokens(kept) + bot.contextTokenBudget * MEMORY.summaryShare).toBeLessThanOrEqual(bot.contextTokenBudget);
    expect(folded).toBeLessThan(long.history.length);
  });

  it('folds when too many turns pile up, even short ones', () => {
    const many = brief(turns(MEMORY.foldAtEntries + 1, 0), { bot: { ...bot, contextTokenBudget: 100_000 } });
    expect(entriesToFold(many)).toBeGreaterThan(0);
  });

  it('never folds what is not there, however long the message', () => {
    expect(entriesToFold(brief([], { userText: 'word '.repeat(2_000) }))).toBe(0);
  });

  it('cuts a summary to its share of tokens', () => {
    const text = 'fact '.repeat(1_000);
    expect(countTokens(truncateToTokens(text, 50))).toBeLessThanOrEqual(50);
    expect(truncateToTokens('short', 50)).toBe('short');
  });
});
