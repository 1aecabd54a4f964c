/**
 * How a reply is written: a list of steps, each a function of the brief and the reply so far. A new
 * capability (memory, intent, tools) is one more function in `WRITE_STEPS`, run inside the same
 * activity: no new round trip to Temporal.
 */
import { fallbackReplyIn, noticeIn } from '../conversations/notices';
import type { ReplyKind } from '../conversations/reply-kind';
import type { ModelUsage, UsageStep } from '../model/model-usage';
import type { ToolCall } from '../tools/tool-definition';
import { actionFor, intentsOf } from '../understanding/intents';
import { UNDETERMINED_LANGUAGE } from '../conversations/language';
import type { Understanding } from '../understanding/understanding';
import { callWithRetries, MODEL_RETRIES } from './call-with-retries';
import { languageInstruction } from './language-instruction';
import { promptTokens, remember } from './memory';
import type { ReplyBrief, TurnStep } from './turn-contract';
import type { TurnIO } from './turn-io';
import { createDraftStream } from './draft-stream';
import { moderate, type Verdict } from './moderation';
import { understand } from './understand';
import { mediaNotice, unreadableNote, visibleImages } from '../conversations/turn-media';
import { modelSeesImages } from '../model/model-capabilities';
import { type Choice, OFFER_CHOICES_TOOL, readOfferedChoices } from '../conversations/choices';

export interface Writing {
  /** Set once decided; the steps after leave a refusal, a fixed reply or a fallback as it is. */
  reply?: { text: string; kind: ReplyKind };
  /** What each model call of the turn used and cost, in order. */
  usage: ModelUsage[];
  flagged: Array<{ categories: string[] }>;
  steps: TurnStep[];
  /** The summary and the turns folded into it, when the prompt had to shrink to fit the budget. */
  memory?: { summary: string | null; folded: number };
  /** Sentiment, intent and language of the person's message. */
  understanding?: Understanding;
  /** Set when the person's intent hands the conversation to a human. */
  handoff?: boolean;
  /** Set when the model wrote the reply (rather than an intent's fixed text): only then is the reply moderated. */
  modelWrote?: boolean;
  /** Set when the model asked for tools instead of answering: the turn stops here and goes on after them. */
  toolCalls?: ToolCall[];
  /** A sentence of the streamed reply that moderation flagged (under `block`): it decides the reply's verdict. */
  streamVerdict?: Verdict;
  /** The images the model is shown, by media id. */
  images?: Array<{ mediaId: string; mimeType: string }>;
  /** What the model is told it cannot read of what came with the message. */
  mediaNote?: string;
  /** Buttons under the reply: an intent's, or the model's own (`offer_choices`). */
  choices?: Choice[];
}

export type WriteStep = (brief: ReplyBrief, writing: Writing, io: TurnIO) => Promise<Writing>;

/**
 * What came with the message besides text. The model is shown the images when it can see them, and
 * told what it cannot read; when nothing is left to answer (a voice message nobody could hear, a
 * photo the model cannot see, a file that was refused), the person is told so in their language.
 */
export const lookAtMedia: WriteStep = async (brief, writing, io) => {
  const media = brief.media;
  if (writing.reply || !media || media.notes.length === 0) return writing;
  const canSee = io.seesImages && modelSeesImages(brief.bot.model, brief.bot.vision);
  const images = canSee ? visibleImages(media.notes) : [];
  const mediaNote = unreadableNote(media.notes, canSee) ?? undefined;
  if (!media.hasWords && images.length === 0) {
    const notice = mediaNotice(media.notes);
    const step: TurnStep = { step: 'media', images: 0, unreadable: true, notice };
    return { ...writing, steps: [...writing.steps, step], reply: { text: noticeIn(notice, brief.language), kind: 'notice' } };
  }
  const step: TurnStep = { step: 'media', images: images.length, unreadable: mediaNote !== undefined };
  return { ...writing, steps: [...writing.steps, step], ...(images.length > 0 && { images }), ...(mediaNote && { mediaNote }) };
};

/**
 * Moderation and understanding of what the person wrote, side by side: two calls at once, no
 * longer than the slower. A blocked message gets the refusal, in the person's language.
 */
export const readInbound: WriteStep = async (brief, writing, io) => {
  if (writing.reply) return writing;
  const [verdict, understood] = await Promise.all([moderate(brief.userText, 'inbound', brief, io), understand(brief, io)]);
  const usage = [...writing.usage, ...usageOf(io, 'understand', understood.model, understood.tokens)];
  const next: Writing = { ...writing, usage, understanding: understood.understanding, steps: [...writing.steps, understood.step] };
  return applyVerdict(verdict, brief, next);
};

/** What the person wants may be answered without the model: a handoff, or the intent's fixed reply. */
export const actOnIntent: WriteStep = async (brief, writing) => {
  if (writing.reply || !writing.understanding) return writing;
  const { intent } = writing.understanding;
  const action = actionFor(intentsOf(brief.bot), intent);
  if (action.type === 'none') return writing;
  const steps: TurnStep[] = [...writing.steps, { step: 'act', intent: intent.name, action: action.type }];
  if (action.type === 'reply') return { ...writing, steps, reply: { text: action.text, kind: 'reply' }, ...(action.choices && { choices: action.choices }) };
  return { ...writing, steps, handoff: true, reply: { text: noticeIn('handoffRequested', languageOf(brief, writing)), kind: 'notice' } };
};

/** Keeps the prompt within the bot's token budget: the oldest turns fold into the running summary. */
export const fitMemory: WriteStep = async (brief, writing, io) => {
  if (writing.reply) return writing;
  // The budget counts the prompt as the model will get it, the language line included.
  const sent = { ...brief, bot: { ...brief.bot, systemPrompt: systemPromptOf(brief, writing) } };
  const remembered = await remember(sent, io);
  if (!remembered) return writing;
  const { summary, folded, tokens, degraded } = remembered;
  const fitted = { ...sent, summary, history: brief.history.slice(folded) };
  const step: TurnStep = {
    step: 'remember',
    folded,
    promptTokens: promptTokens(fitted),
    budget: brief.bot.contextTokenBudget,
    ...(tokens ? { tokens } : {}),
    ...(degraded ? { degraded: `no summary (${degraded}); the folded turns are dropped` } : {}),
  };
  const usage = [...writing.usage, ...usageOf(io, 'summarise', brief.bot.model, tokens)];
  return { ...writing, usage, memory: { summary, folded }, steps: [...writing.steps, step] };
};

/** The model writes the reply, told the person's language; when it keeps failing, the bot's fallback reply stands in. */
export const askModel: WriteStep = async (brief, writing, io) => {
  if (writing.reply) return writing;
  io.progress('asking the model');
  // Only now is a reply sure to come from the model: a notice, a handoff or a fixed reply shows no typing.
  io.typing?.start();
  const { bot } = brief;
  // Tools are offered until the turn has used its rounds; then the model must answer with what it has.
  const rounds = brief.toolRounds ?? [];
  const offered = bot.tools.length > 0 && rounds.length < bot.maxToolSteps;
  // Buttons are the model's to offer when the bot allows them: a tool it calls, answered here.
  const tools = [...(offered ? bot.tools : []), ...(bot.offerChoices ? [OFFER_CHOICES_TOOL] : [])];
  // Where the channel can show it, the reply is shown as it is written, as far as moderation allows.
  const draft = io.draftSink && createDraftStream({ policy: bot.moderationPolicy, sink: io.draftSink, check: (text) => moderate(text, 'reply', brief, io) });
  const shown = writing.images ?? [];
  const bytes = await io.mediaBytes(shown.map((image) => image.mediaId));
  const images = shown.flatMap(({ mediaId, mimeType }) => {
    const data = bytes.get(mediaId);
    return data ? [{ mimeType, data }] : [];
  });
  let tries = 0;
  const result = await callWithRetries(io, MODEL_RETRIES, () => {
    if (tries++ > 0) draft?.restart();
    return io.generateReply(
      {
        systemPrompt: systemPromptOf(brief, writing),
        model: bot.model,
        temperature: bot.temperature,
        maxReplyTokens: bot.maxReplyTokens,
        summary: writing.memory ? writing.memory.summary : brief.summary,
        history: writing.memory ? brief.history.slice(writing.memory.folded) : brief.history,
        userText: brief.userText,
        ...(tools.length > 0 ? { tools } : {}),
        ...(rounds.length > 0 ? { toolRounds: rounds } : {}),
        ...(images.length > 0 ? { images } : {}),
      },
      draft && ((delta) => draft.push(delta)),
    );
  });
  const streamVerdict = await draft?.finish();
  if (!result.ok || result.value.toolCalls) await draft?.discard();
  const fallback = (error: string, attempts: number): Writing => {
    const step: TurnStep = { step: 'write', outcome: 'fallback', attempts, error };
    return { ...writing, reply: { text: fallbackReplyIn(bot.fallbackReply, languageOf(brief, writing)), kind: 'fallback' }, steps: [...writing.steps, step] };
  };
  if (!result.ok) return fallback(result.failure.message, result.attempts);
  const { text, model, tokens, toolCalls } = result.value;
  const offer = toolCalls?.find((call) => call.name === OFFER_CHOICES_TOOL.name);
  const offeredChoices = offer && bot.offerChoices ? readOfferedChoices(offer.arguments) : null;
  if (offeredChoices) {
    const step: TurnStep = { step: 'write', outcome: 'reply', model, attempts: result.attempts, ...(tokens ? { tokens } : {}) };
    const usage = [...writing.usage, ...usageOf(io, 'reply', model, tokens)];
    return { ...writing, reply: { text: offeredChoices.text, kind: 'reply' }, choices: offeredChoices.choices, modelWrote: true, usage, steps: [...writing.steps, step] };
  }
  if (toolCalls && offered) {
    const step: TurnStep = { step: 'tools', round: rounds.length + 1, calls: toolCalls.map((call) => call.name), ...(tokens ? { tokens } : {}) };
    return { ...writing, toolCalls, usage: [...writing.usage, ...usageOf(io, 'tool', model, tokens)], steps: [...writing.steps, step] };
  }
  if (!text) return fallback('the model asked for tools when none were offered, and wrote no reply', result.attempts);
  const step: TurnStep = { step: 'write', outcome: 'reply', model, attempts: result.attempts, ...(tokens ? { tokens } : {}) };
  const usage = [...writing.usage, ...usageOf(io, 'reply', model, tokens)];
  return { ...writing, reply: { text, kind: 'reply' }, modelWrote: true, usage, steps: [...writing.steps, step], ...(streamVerdict ? { streamVerdict } : {}) };
};

/** Moderation of the model's reply: a blocked reply becomes the refusal. */
export const moderateReply: WriteStep = async (brief, writing, io) => {
  if (!writing.modelWrote || writing.reply?.kind !== 'reply') return writing;
  // A sentence flagged while the reply streamed already decided; otherwise the whole reply is moderated.
  return applyVerdict(writing.streamVerdict ?? (await moderate(writing.reply.text, 'reply', brief, io)), brief, writing);
};

export const WRITE_STEPS: readonly WriteStep[] = [lookAtMedia, readInbound, actOnIntent, fitMemory, askModel, moderateReply];

/** After its tool calls, the turn goes on from what it carried: the model answers, and its reply is moderated. */
export const AFTER_TOOLS_STEPS: readonly WriteStep[] = [askModel, moderateReply];

export async function writeReply(brief: ReplyBrief, io: TurnIO): Promise<Writing> {
  const { carried } = brief;
  let writing: Writing = carried ? { ...carried, steps: [] } : { usage: [], flagged: [], steps: [] };
  for (const step of carried ? AFTER_TOOLS_STEPS : WRITE_STEPS) {
    writing = await step(brief, writing, io);
    if (writing.toolCalls) return writing;
  }
  if (!writing.reply) throw new Error('No write step decided the reply');
  return writing;
}

/** The language to answer in: the one the person wrote this message in, else the conversation's so far. */
export function languageOf(brief: ReplyBrief, writing: Writing): string {
  const detected = writing.understanding?.language;
  return detected && detected !== UNDETERMINED_LANGUAGE ? detected : (brief.language ?? UNDETERMINED_LANGUAGE);
}

/** A model call's tokens and cost, when the server reported its tokens. */
function usageOf(io: TurnIO, step: UsageStep, model: string, tokens: { prompt: number; completion: number } | null): ModelUsage[] {
  if (!tokens) return [];
  return [{ step, model, promptTokens: tokens.prompt, completionTokens: tokens.completion, costUsd: io.costOf(model, tokens) }];
}

/** The bot's instructions, told the person's language when it is known, and what it cannot read of the message. */
function systemPromptOf(brief: ReplyBrief, writing: Writing): string {
  const media = writing.mediaNote ? `\n\n${writing.mediaNote}` : '';
  return `${brief.bot.systemPrompt}${languageInstruction(languageOf(brief, writing))}${media}`;
}

/** Records the verdict; under the `block` policy a flagged text is answered with the refusal. */
function applyVerdict(verdict: Verdict, brief: ReplyBrief, writing: Writing): Writing {
  if (!verdict.step) return writing;
  const next: Writing = {
    ...writing,
    steps: [...writing.steps, verdict.step],
    flagged: verdict.flagged ? [...writing.flagged, { categories: verdict.categories }] : writing.flagged,
  };
  if (!verdict.flagged || brief.bot.moderationPolicy !== 'block') return next;
  next.steps.push({ step: 'write', outcome: 'refusal', attempts: 0 });
  return { ...next, reply: { text: noticeIn('refusal', languageOf(brief, next)), kind: 'refusal' } };
}
