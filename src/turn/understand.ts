/**
 * The understanding step: sentiment, intent and language of the person's message, from one model
 * call with structured output, or from the local packages when there is no model or the call keeps
 * failing. Stored on the turn's message rows at once, so a retried turn's record already has it.
 */
import { HUMAN_INTENT, intentsOf } from '../understanding/intents';
import { understandLocally } from '../understanding/local-understanding';
import type { Understanding } from '../understanding/understanding';
import { callWithRetries, type RetryPolicy } from './call-with-retries';
import type { ReplyBrief, TurnStep } from './turn-contract';
import type { TurnIO } from './turn-io';

/** Two tries, then the local packages: a turn should not wait long for what they can decide. */
export const UNDERSTANDING_RETRIES: RetryPolicy = {
  attempts: 2,
  initialMs: 500,
  coefficient: 2,
  maxIntervalMs: 2_000,
  longestAskedWaitMs: 5_000,
};

export interface Understood {
  understanding: Understanding;
  step: Extract<TurnStep, { step: 'understand' }>;
  /** The model that classified, and its tokens; null tokens when the local packages decided. */
  model: string;
  tokens: { prompt: number; completion: number } | null;
}

export async function understand(brief: ReplyBrief, io: TurnIO): Promise<Understood> {
  const { bot, userText } = brief;
  const intents = intentsOf(bot);
  io.progress('understanding the message');
  const asked = await callWithRetries(io, UNDERSTANDING_RETRIES, () => io.understand({ model: bot.model, text: userText, intents }));
  const byModel = asked.ok ? asked.value : null;
  let understanding = byModel?.understanding ?? understandLocally(userText, intents);
  // The bot's own rule for asking for a human, when it has one, is certain.
  const byPattern = matchesPattern(bot.handoffPattern, userText);
  if (byPattern) understanding = { ...understanding, intent: { name: HUMAN_INTENT.name, confidence: 1 } };
  await io.saveUnderstanding(brief.messageIds, understanding);

  const { sentiment, intent, language, decidedBy } = understanding;
  const step: Understood['step'] = {
    step: 'understand',
    sentiment: sentiment.label,
    intent: intent.name,
    confidence: intent.confidence,
    language,
    decidedBy,
    ...(byModel?.tokens ? { tokens: byModel.tokens } : {}),
    ...(byPattern ? { note: "the bot's handoff pattern matched" } : {}),
    ...(asked.ok ? {} : { degraded: `the model's classification failed (${asked.failure.message}); the local packages decided` }),
  };
  return { understanding, step, model: byModel?.model ?? bot.model, tokens: byModel?.tokens ?? null };
}

function matchesPattern(pattern: string | null, text: string): boolean {
  if (pattern === null) return false;
  try {
    return new RegExp(pattern, 'i').test(text);
  } catch {
    // Patterns are checked when saved; an unreadable one is no rule.
    return false;
  }
}
