/**
 * How a reply is written: a list of steps, each a function of the brief and the reply so far. A new
 * capability (memory, intent, tools) is one more function in `WRITE_STEPS`, run inside the same
 * activity: no new round trip to Temporal.
 */
import { REFUSAL_REPLY } from '../conversations/fixed-replies';
import type { ReplyKind } from '../conversations/reply-kind';
import { callWithRetries, MODEL_RETRIES } from './call-with-retries';
import { promptTokens, remember } from './memory';
import type { ReplyBrief, TurnStep } from './turn-contract';
import type { TurnIO } from './turn-io';


export interface Writing {
  /** Set once decided; the steps after leave a refusal or a fallback as it is. */
  reply?: { text: string; kind: ReplyKind };
  modelTokens: { prompt: number; completion: number } | null;
  flagged: Array<{ categories: string[] }>;
  steps: TurnStep[];
  /** The summary and the turns folded into it, when the prompt had to shrink to fit the budget. */
  memory?: { summary: string | null; folded: number };
}

export type WriteStep = (brief: ReplyBrief, writing: Writing, io: TurnIO) => Promise<Writing>;

/** Moderation of what the person wrote: a blocked message gets the refusal, and the model is not asked. */
export const moderateInbound: WriteStep = async (brief, writing, io) => {
  if (writing.reply) return writing;
  return moderate(brief.userText, 'inbound', brief, writing, io);
};

/** Keeps the prompt within the bot's token budget: the oldest turns fold into the running summary. */
export const fitMemory: WriteStep = async (brief, writing, io) => {
  if (writing.reply) return writing;
  const remembered = await remember(brief, io);
  if (!remembered) return writing;
  const { summary, folded, tokens, degraded } = remembered;
  const fitted = { ...brief, summary, history: brief.history.slice(folded) };
  const step: TurnStep = {
    step: 'remember',
    folded,
    promptTokens: promptTokens(fitted),
    budget: brief.bot.contextTokenBudget,
    ...(tokens ? { tokens } : {}),
    ...(degraded ? { degraded: `no summary (${degraded}); the folded turns are dropped` } : {}),
  };
  return { ...writing, memory: { summary, folded }, steps: [...writing.steps, step] };
};

/** The model writes the reply; when it keeps failing, the bot's fallback reply stands in. */
export const askModel: WriteStep = async (brief, writing, io) => {
  if (writing.reply) return writing;
  io.progress('asking the model');
  const { bot } = brief;
  const result = await callWithRetries(io, MODEL_RETRIES, () =>
    io.generateReply({
      systemPrompt: bot.systemPrompt,
      model: bot.model,
      temperature: bot.temperature,
      maxReplyTokens: bot.maxReplyTokens,
      summary: writing.memory ? writing.memory.summary : brief.summary,
      history: writing.memory ? brief.history.slice(writing.memory.folded) : brief.history,
      userText: brief.userText,
    }),
  );
  if (!result.ok) {
    const step: TurnStep = { step: 'write', outcome: 'fallback', attempts: result.attempts, error: result.failure.message };
    return { ...writing, reply: { text: bot.fallbackReply, kind: 'fallback' }, steps: [...writing.steps, step] };
  }
  const { text, model, tokens } = result.value;
  const step: TurnStep = { step: 'write', outcome: 'reply', model, attempts: result.attempts, ...(tokens ? { tokens } : {}) };
  return { ...writing, reply: { text, kind: 'reply' }, modelTokens: tokens, steps: [...writing.steps, step] };
};

/** Moderation of the model's reply: a blocked reply becomes the refusal. */
export const moderateReply: WriteStep = async (brief, writing, io) => {
  if (writing.reply?.kind !== 'reply') return writing;
  return moderate(writing.reply.text, 'reply', brief, writing, io);
};

export const WRITE_STEPS: readonly WriteStep[] = [moderateInbound, fitMemory, askModel, moderateReply];

export async function writeReply(brief: ReplyBrief, io: TurnIO, steps: readonly WriteStep[] = WRITE_STEPS): Promise<Writing> {
  let writing: Writing = { modelTokens: null, flagged: [], steps: [] };
  for (const step of steps) writing = await step(brief, writing, io);
  if (!writing.reply) throw new Error('No write step decided the reply');
  return writing;
}

/**
 * Checks `text` by the bot's policy. If the moderation service itself keeps failing, the word list
 * decides: a message is never let through unchecked, and never left unanswered.
 */
async function moderate(text: string, of: 'inbound' | 'reply', brief: ReplyBrief, writing: Writing, io: TurnIO): Promise<Writing> {
  const policy = brief.bot.moderationPolicy;
  if (policy === 'off') return writing;
  io.progress(`moderating the ${of === 'inbound' ? 'message' : 'reply'}`);
  const configured = await callWithRetries(io, MODEL_RETRIES, () => io.moderate(text, 'configured'));
  const verdict = configured.ok ? configured.value : await io.moderate(text, 'word-list');
  const step: TurnStep = {
    step: 'moderate',
    of,
    flagged: verdict.flagged,
    categories: verdict.categories,
    provider: verdict.provider,
    ...(configured.ok ? {} : { note: `the moderation service failed (${configured.failure.message}); the word list decided` }),
  };
  const next: Writing = {
    ...writing,
    steps: [...writing.steps, step],
    flagged: verdict.flagged ? [...writing.flagged, { categories: verdict.categories }] : writing.flagged,
  };
  if (verdict.flagged && policy === 'block') {
    next.steps.push({ step: 'write', outcome: 'refusal', attempts: 0 });
    return { ...next, reply: { text: REFUSAL_REPLY, kind: 'refusal' } };
  }
  return next;
}
