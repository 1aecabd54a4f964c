import type { ModerationVerdict } from './model-client';

/**
 * The local moderation policy used when no OpenAI key is configured: a short list of terms per
 * category, matched as whole words, case-insensitively. Deliberately small; it catches the obvious.
 */
const BLOCKED_TERMS: Record<string, readonly string[]> = {
  violence: ['kill you', 'murder you', 'shoot you', 'bomb threat'],
  harassment: ['kill yourself', 'kys'],
  'self-harm': ['suicide method', 'how to self harm'],
  hate: ['ethnic cleansing'],
};

export function moderateWithWordList(text: string): ModerationVerdict {
  const normalised = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  const categories = Object.entries(BLOCKED_TERMS)
    .filter(([, terms]) => terms.some((term) => normalised.includes(` ${term} `)))
    .map(([category]) => category);
  return { flagged: categories.length > 0, categories, provider: 'word-list' };
}
