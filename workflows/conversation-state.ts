/**
 * The conversation's state and every decision about it, as pure functions. The workflow only wires
 * these to Temporal; unit tests reach them without a server. Nothing here may read the clock,
 * random numbers or I/O: the caller passes time in.
 */
import type { MediaNote } from '../src/conversations/media-note';
import { messageText } from '../src/conversations/turn-media';
import type { HistoryEntry } from '../src/conversations/history-entry';
import type { InboundMessage } from '../src/conversations/inbound-message';
import type { TurnReport } from '../src/turn/turn-contract';
import { UNDETERMINED_LANGUAGE } from '../src/conversations/language';

export type ConversationStatus = 'active' | 'handoff' | 'ended';

export type { HistoryEntry } from '../src/conversations/history-entry';

import type { ReplyKind } from '../src/conversations/reply-kind';
import type { TemplateMessage } from '../src/conversations/whatsapp-templates';
import type { OutboundAttachment } from '../src/conversations/outbound-attachment';
import { proactiveMessageId } from '../src/conversations/outbound-parts';

export type { ReplyKind } from '../src/conversations/reply-kind';

/**
 * A message the team sends through the same durable send path as the bot's replies: an operator's
 * (as the agent), or one the bot starts the conversation with (`from: 'bot'`, over `/v1`).
 */
export interface AgentMessage {
  messageId: string;
  text: string;
  by: string;
  /** Set for a proactive message: the bot says it, and it is the bot's in the history. */
  from?: 'bot';
  /** WhatsApp: the approved template sent instead, should the person's 24-hour window be closed. */
  template?: TemplateMessage;
  /** Files sent after the text. */
  attachments?: OutboundAttachment[];
}

export interface Handoff {
  /** Workflow time (ms) the human took over. */
  since: number;
  by: string;
  /** Workflow time of the operator's last message; the auto-release timer counts from it. */
  lastAgentMessageAt: number | null;
}

/** What a caller waiting on a message (the `?wait=true` API channel) gets back. */
export type ReplyOutcome =
  | { status: 'replied'; text: string; kind: ReplyKind }
  | { status: 'duplicate' }
  | { status: 'not-answered'; reason: 'handoff' | 'ended' | 'delivery-failed' | 'disabled' | 'rejected' };

/** Everything a run hands to the next one through continue-as-new. */
export interface ConversationState {
  conversationId: string | null;
  status: ConversationStatus;
  /** Platform message ids already admitted, oldest first, bounded by `LIMITS.seenMessageIds`. */
  seenMessageIds: string[];
  /** Admitted messages not yet taken into a turn, in order of receipt. */
  queue: InboundMessage[];
  /**
   * The recent turns the model sees. The turn's pipeline folds the oldest into `summary` when they
   * pass the bot's token budget (`src/turn/memory.ts`); `LIMITS.historyEntries` only bounds the
   * state when no turn runs to fold them (a long handoff).
   */
  history: HistoryEntry[];
  /** The running summary of the turns folded out of `history`, written by the model. */
  summary: string | null;
  /** Recent outcomes by message id, so a late `?wait=true` duplicate gets the same answer. */
  recentOutcomes: Array<[string, ReplyOutcome]>;
  messagesIn: number;
  repliesOut: number;
  /** When the last message went out to this chat (workflow time, ms), for pacing. */
  lastSentAt: number | null;
  /** Set while a human has the conversation. */
  handoff: Handoff | null;
  /** Operator messages waiting to go out, in order. */
  agentOutbox: AgentMessage[];
  /** The language the person last wrote in (BCP-47), for the notices; null until a turn tells. */
  language: string | null;
}

export const LIMITS = {
  /** Older duplicates are still caught by the database's unique key. */
  seenMessageIds: 2000,
  historyEntries: 100,
  recentOutcomes: 200,
  /** A steady stream of messages cannot postpone a turn forever: cap the debounce at this many windows. */
  debounceWindowsMax: 5,
  /**
   * Start a fresh run after this many history events, well before Temporal suggests it (4,096 by
   * default). When a worker must replay a run (after a restart, or when a signal races a workflow
   * task), it replays the whole history, and a short one keeps that pause short.
   */
  historyEventsPerRun: 1000,
} as const;

export function createInitialState(): ConversationState {
  return {
    conversationId: null,
    status: 'active',
    seenMessageIds: [],
    queue: [],
    history: [],
    summary: null,
    recentOutcomes: [],
    messagesIn: 0,
    repliesOut: 0,
    lastSentAt: null,
    handoff: null,
    agentOutbox: [],
    language: null,
  };
}

/** A state carried over from an older run, with any field that run did not know filled in. */
export function restoreState(carried: Partial<ConversationState> | undefined): ConversationState {
  return { ...createInitialState(), ...carried };
}

/** Queues a message unless its platform message id was seen before. */
export function admitMessage(
  state: ConversationState,
  message: InboundMessage,
): { state: ConversationState; admitted: boolean } {
  if (state.seenMessageIds.includes(message.messageId)) return { state, admitted: false };
  return {
    admitted: true,
    state: {
      ...state,
      seenMessageIds: keepLast([...state.seenMessageIds, message.messageId], LIMITS.seenMessageIds),
      queue: [...state.queue, message],
      messagesIn: state.messagesIn + 1,
    },
  };
}

/**
 * How long to keep collecting messages before the turn starts: until `windowMs` has passed since the
 * newest one, but never more than `LIMITS.debounceWindowsMax` windows after the oldest.
 */
export function debounceRemainingMs(args: {
  firstQueuedAt: number;
  lastQueuedAt: number;
  now: number;
  windowMs: number;
}): number {
  const { firstQueuedAt, lastQueuedAt, now, windowMs } = args;
  const quietUntil = lastQueuedAt + windowMs;
  const hardStop = firstQueuedAt + windowMs * LIMITS.debounceWindowsMax;
  return Math.max(0, Math.min(quietUntil, hardStop) - now);
}

/**
 * The messages of the next turn, from the front of the queue: at most `max`, and, with
 * `onePerson`, only the run written by the first message's author. In a group or a shared thread,
 * two people's words never become one model call, and each person's reply answers their own
 * message.
 */
export function nextBatch(queue: readonly InboundMessage[], max: number, onePerson: boolean): InboundMessage[] {
  const first = queue[0];
  if (!first) return [];
  const run = onePerson ? queue.findIndex((m) => m.userId !== first.userId) : -1;
  return queue.slice(0, Math.min(max, run < 0 ? queue.length : run));
}

/**
 * The user's side of one turn: several debounced messages read as one, each with what came with it
 * as text (a transcript, a location) or as a short label (`[photo]`), as `messageText` reads it.
 */
export function combineTurnText(messages: readonly InboundMessage[], media: readonly MediaNote[] = []): string {
  return messages
    .map((m) => messageText(m, media))
    .filter((text) => text.length > 0)
    .join('\n');
}

export function recordTurn(
  state: ConversationState,
  userText: string,
  reply: { text: string } | null,
): ConversationState {
  const entries: HistoryEntry[] = [{ role: 'user', text: userText }];
  if (reply) entries.push({ role: 'assistant', text: reply.text });
  return {
    ...state,
    history: keepLast([...state.history, ...entries], LIMITS.historyEntries),
    repliesOut: state.repliesOut + (reply ? 1 : 0),
  };
}

/** The oldest turns, folded into the summary by the turn's pipeline, leave the history. */
export function applyMemory(state: ConversationState, memory: { summary: string | null; folded: number } | undefined): ConversationState {
  if (!memory) return state;
  return { ...state, summary: memory.summary, history: state.history.slice(memory.folded) };
}

/** An operator's message, once sent: the bot reads it in its history after the handoff ends. */
export function recordTeamMessage(state: ConversationState, text: string): ConversationState {
  return { ...state, history: keepLast([...state.history, { role: 'team', text }], LIMITS.historyEntries) };
}

/** A message the bot started the conversation with: the model reads it as its own. */
export function recordBotMessage(state: ConversationState, text: string): ConversationState {
  return { ...state, history: keepLast([...state.history, { role: 'assistant', text }], LIMITS.historyEntries) };
}

/**
 * Queues a proactive message once per client key: a retried request finds the key among the ids
 * the conversation has seen and queues nothing.
 */
export function queueProactiveMessage(state: ConversationState, message: Omit<AgentMessage, 'from'>): { state: ConversationState; queued: boolean } {
  const id = proactiveMessageId(message.messageId);
  if (state.seenMessageIds.includes(id)) return { state, queued: false };
  return {
    queued: true,
    state: {
      ...state,
      seenMessageIds: keepLast([...state.seenMessageIds, id], LIMITS.seenMessageIds),
      agentOutbox: [...state.agentOutbox, { ...message, from: 'bot' }],
    },
  };
}

export function recordOutcome(
  state: ConversationState,
  messageIds: readonly string[],
  outcome: ReplyOutcome,
): ConversationState {
  const added = messageIds.map((id): [string, ReplyOutcome] => [id, outcome]);
  return { ...state, recentOutcomes: keepLast([...state.recentOutcomes, ...added], LIMITS.recentOutcomes) };
}

export function findOutcome(state: ConversationState, messageId: string): ReplyOutcome | undefined {
  return state.recentOutcomes.find(([id]) => id === messageId)?.[1];
}

export function shouldContinueAsNew(info: { continueAsNewSuggested: boolean; historyLength: number }): boolean {
  return info.continueAsNewSuggested || info.historyLength >= LIMITS.historyEventsPerRun;
}


/**
 * What a turn does with the messages it took: nothing, or have the bot's pipeline answer. Whether
 * the person asks for a human is the pipeline's to tell (the `human` intent, in any language).
 */
export type TurnDecision = { answer: 'none'; reason: 'handoff' | 'disabled' } | { answer: 'reply' };

export function decideTurn(args: { status: ConversationStatus; enabled: boolean }): TurnDecision {
  // In handoff a human answers; messages are only stored.
  if (!botMayReply(args.status)) return { answer: 'none', reason: 'handoff' };
  // A disabled bot keeps what people say and answers nothing.
  if (!args.enabled) return { answer: 'none', reason: 'disabled' };
  return { answer: 'reply' };
}

/** The turn's messages, answered as its pipeline reports; the language it heard becomes the conversation's. */
export function recordReport(
  state: ConversationState,
  turn: { userText: string; messageIds: readonly string[]; report: Pick<TurnReport, 'outcome' | 'reply' | 'understanding'> },
): ConversationState {
  const { userText, messageIds, report } = turn;
  const heard = report.understanding?.language;
  if (heard && heard !== UNDETERMINED_LANGUAGE) state = { ...state, language: heard };
  // A human took over while the reply was being written or sent.
  if (report.outcome === 'suppressed') return recordUnanswered(state, { userText, messageIds, reason: 'handoff' });
  const outcome: ReplyOutcome =
    report.outcome === 'sent' ? { status: 'replied', ...report.reply } : { status: 'not-answered', reason: 'delivery-failed' };
  return recordOutcome(recordTurn(state, userText, report.reply.text ? report.reply : null), messageIds, outcome);
}

/** The turn's messages, kept in the history and answered by no one. */
export function recordUnanswered(
  state: ConversationState,
  turn: { userText: string; messageIds: readonly string[]; reason: 'handoff' | 'disabled' },
): ConversationState {
  return recordOutcome(recordTurn(state, turn.userText, null), turn.messageIds, { status: 'not-answered', reason: turn.reason });
}

export function startHandoff(state: ConversationState, by: string, now: number): ConversationState {
  if (state.handoff) return state;
  return { ...state, status: 'handoff', handoff: { since: now, by, lastAgentMessageAt: null } };
}

export function endHandoff(state: ConversationState): ConversationState {
  return { ...state, status: state.status === 'handoff' ? 'active' : state.status, handoff: null };
}

export function queueAgentMessage(state: ConversationState, message: AgentMessage, now: number): ConversationState {
  if (state.agentOutbox.some((m) => m.messageId === message.messageId)) return state;
  const handoff = state.handoff && { ...state.handoff, lastAgentMessageAt: now };
  return { ...state, handoff, agentOutbox: [...state.agentOutbox, message] };
}

/** Time left before an unanswered handoff returns to the bot; undefined when no human has it. */
export function handoffRemainingMs(state: ConversationState, now: number, timeoutMs: number): number | undefined {
  if (!state.handoff) return undefined;
  return Math.max(0, (state.handoff.lastAgentMessageAt ?? state.handoff.since) + timeoutMs - now);
}

/** Whether the bot answers a turn right now. In handoff a human answers; messages are only stored. */
export function botMayReply(status: ConversationStatus): boolean {
  return status === 'active';
}

/** The state a new conversation starts with when messages arrive while the previous one is ending. */
export function startOverWith(state: ConversationState): ConversationState {
  return { ...createInitialState(), seenMessageIds: state.seenMessageIds, queue: state.queue };
}

export interface ConversationSnapshot {
  conversationId: string | null;
  status: ConversationStatus;
  queued: number;
  messagesIn: number;
  repliesOut: number;
  history: HistoryEntry[];
  summary: string | null;
}

export function snapshotOf(state: ConversationState): ConversationSnapshot {
  return {
    conversationId: state.conversationId,
    status: state.status,
    queued: state.queue.length,
    messagesIn: state.messagesIn,
    repliesOut: state.repliesOut,
    history: state.history,
    summary: state.summary,
  };
}

function keepLast<T>(items: T[], max: number): T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}
