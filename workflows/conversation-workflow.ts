import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationActivities } from '../activities';
import type { BotSettings } from '../src/conversations/bot-settings';
import { type ConversationKey, formatConversationKey } from '../src/conversations/conversation-key';
import type { InboundMessage } from '../src/conversations/inbound-message';
import { splitText } from '../src/conversations/split-text';
import { PLATFORM_RULES } from '../src/platforms/platform-rules';
import {
  admitMessage,
  botMayReply,
  combineTurnText,
  type ConversationState,
  type ConversationStatus,
  createInitialState,
  debounceRemainingMs,
  findOutcome,
  outboundKeyFor,
  outboundPartKey,
  paceDelayMs,
  recordOutcome,
  recordTurn,
  type ReplyKind,
  shouldContinueAsNew,
  type ReplyOutcome,
  snapshotOf,
  startOverWith,
} from './conversation-state';
import {
  conversationStateQuery,
  endConversationSignal,
  inboundMessageSignal,
  inboundMessageUpdate,
} from './definitions';
import { ConversationStatusAttribute } from './search-attributes';

export interface ConversationWorkflowInput {
  key: ConversationKey;
  /** Set by continue-as-new: the previous run's state. */
  state?: ConversationState;
}

export interface ConversationWorkflowResult {
  conversationId: string | null;
  endReason: string;
  messagesIn: number;
  repliesOut: number;
}

/** Polite, fixed answers that need no model. */
export const REFUSAL_REPLY =
  "Sorry, I can't help with that message. If you think this is a mistake, please rephrase it.";

/** Postgres is the system of record: keep retrying through an outage until it is back. */
const records = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '20 seconds' },
});

/** Heartbeats let a crashed worker's call be retried elsewhere within seconds. */
const model = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '5 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 4,
    nonRetryableErrorTypes: ['ModelRequestRejected'],
  },
});

/** Sends retry until the platform takes the message or says it never will; a day bounds an outage. */
const delivery = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout: '5 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const settings = proxyLocalActivities<ConversationActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '20 seconds', nonRetryableErrorTypes: ['BotNotFound'] },
});

/**
 * One conversation: a bot, a platform, a chat. Messages arrive as signals (or updates, when the
 * caller waits for the reply), are deduplicated and queued, and are answered one turn at a time in
 * order of receipt. Decisions live in `conversation-state.ts`; this function wires them to Temporal.
 */
export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<ConversationWorkflowResult> {
  const { key } = input;
  const logAttributes = { conversationKey: formatConversationKey(key) };
  let state = input.state ?? createInitialState();
  let endRequest: string | null = null;
  let burst = { firstAt: Date.now(), lastAt: Date.now() };
  /** Messages taken from the queue into the turn being worked. */
  const inTurn = new Set<string>();

  function admit(message: InboundMessage): boolean {
    const wasEmpty = state.queue.length === 0;
    const result = admitMessage(state, message);
    state = result.state;
    if (result.admitted) {
      const now = Date.now();
      burst = { firstAt: wasEmpty ? now : burst.firstAt, lastAt: now };
    }
    return result.admitted;
  }

  // Handlers first, so no message that arrives with the start is missed.
  setHandler(inboundMessageSignal, (message) => {
    admit(message);
  });
  setHandler(inboundMessageUpdate, async (message): Promise<ReplyOutcome> => {
    const admitted = admit(message);
    const inFlight = () => state.queue.some((m) => m.messageId === message.messageId) || inTurn.has(message.messageId);
    if (!admitted && !findOutcome(state, message.messageId) && !inFlight()) return { status: 'duplicate' };
    await condition(() => findOutcome(state, message.messageId) !== undefined);
    return findOutcome(state, message.messageId)!;
  });
  setHandler(endConversationSignal, ({ reason }) => {
    endRequest = reason;
  });
  setHandler(conversationStateQuery, () => snapshotOf(state));

  if (state.conversationId === null) {
    const info = workflowInfo();
    const conversationId = await records.openConversation({ key, workflowId: info.workflowId, firstRunId: info.runId });
    state = { ...state, conversationId };
    log.info('Conversation started', { ...logAttributes, conversationId });
  }
  const conversationId = state.conversationId!;
  updateMemo();

  let bot = await settings.loadBotSettings(key.botId);

  for (;;) {
    const hasWork = await condition(() => state.queue.length > 0 || endRequest !== null, bot.idleTimeoutMs);
    if (endRequest !== null || !hasWork) break;

    bot = await settings.loadBotSettings(key.botId);
    const { replyToEachMessage } = PLATFORM_RULES[key.platform];
    if (!replyToEachMessage) {
      for (let wait = debounceWait(); wait > 0 && endRequest === null; wait = debounceWait()) await sleep(wait);
    }

    const batch = replyToEachMessage ? state.queue.slice(0, 1) : state.queue;
    state = { ...state, queue: state.queue.slice(batch.length) };
    await runTurn(batch);

    // Queued messages travel with the state. A caller still waiting on an update keeps this run
    // until its reply is out, so the check comes again after the next turn.
    if (shouldContinueAsNew(workflowInfo()) && allHandlersFinished()) {
      log.info('Continuing as new', { ...logAttributes, historyLength: workflowInfo().historyLength });
      return continueAsNew<typeof conversationWorkflow>({ key, state });
    }
  }

  const endReason = endRequest ?? 'idle';
  setStatus('ended');
  await records.endConversation({ conversationId, reason: endReason });
  log.info('Conversation ended', { ...logAttributes, reason: endReason });

  if (state.queue.length > 0) {
    // Messages arrived while this conversation was ending: they open the next one.
    return continueAsNew<typeof conversationWorkflow>({ key, state: startOverWith(state) });
  }
  return { conversationId, endReason, messagesIn: state.messagesIn, repliesOut: state.repliesOut };

  function debounceWait(): number {
    return debounceRemainingMs({
      firstQueuedAt: burst.firstAt,
      lastQueuedAt: burst.lastAt,
      now: Date.now(),
      windowMs: bot.debounceMs,
    });
  }

  async function runTurn(batch: InboundMessage[]): Promise<void> {
    batch.forEach((m) => inTurn.add(m.messageId));
    try {
      const accepted = new Set(await records.persistInbound({ conversationId, messages: batch }));
      const fresh = batch.filter((m) => accepted.has(m.messageId));
      const stale = batch.filter((m) => !accepted.has(m.messageId)).map((m) => m.messageId);
      state = recordOutcome(state, stale, { status: 'duplicate' });
      if (fresh.length === 0) return;

      const ids = fresh.map((m) => m.messageId);
      const userText = combineTurnText(fresh);
      if (!botMayReply(state.status)) {
        state = recordOutcome(recordTurn(state, userText, null), ids, { status: 'not-answered', reason: 'handoff' });
        return;
      }

      const reply = await composeReply(bot, userText);
      const delivered = await deliver(reply, fresh);
      state = recordTurn(state, userText, reply);
      state = recordOutcome(
        state,
        ids,
        delivered ? { status: 'replied', ...reply } : { status: 'not-answered', reason: 'delivery-failed' },
      );
      updateMemo();
    } finally {
      batch.forEach((m) => inTurn.delete(m.messageId));
    }
  }

  async function composeReply(current: BotSettings, userText: string): Promise<{ text: string; kind: ReplyKind }> {
    if (await isFlagged(current, userText)) return { text: REFUSAL_REPLY, kind: 'refusal' };
    let text: string;
    try {
      const generated = await model.generateReply({
        systemPrompt: current.systemPrompt,
        model: current.model,
        temperature: current.temperature,
        maxReplyTokens: current.maxReplyTokens,
        summary: state.summary,
        history: state.history,
        userText,
      });
      text = generated.text;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('The model failed after its retries; sending the fallback reply', {
        ...logAttributes,
        error: error.cause?.message,
      });
      return { text: current.fallbackReply, kind: 'fallback' };
    }
    if (await isFlagged(current, text)) return { text: REFUSAL_REPLY, kind: 'refusal' };
    return { text, kind: 'reply' };
  }

  /** Moderation by the bot's policy. If the moderation service itself is down, the word list decides. */
  async function isFlagged(current: BotSettings, text: string): Promise<boolean> {
    if (current.moderationPolicy === 'off') return false;
    let verdict;
    try {
      verdict = await model.moderate({ text, provider: 'configured' });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      verdict = await model.moderate({ text, provider: 'word-list' });
    }
    return verdict.flagged && current.moderationPolicy === 'block';
  }

  /**
   * Sends the reply in parts that fit the platform, paced with durable timers, then records it.
   * Returns false when the platform refused for good; the failure is recorded.
   */
  async function deliver(reply: { text: string; kind: ReplyKind }, answered: InboundMessage[]): Promise<boolean> {
    const outboundKey = outboundKeyFor(answered);
    const replyContext = answered[answered.length - 1]?.replyContext;
    const outbound = { conversationId, botId: key.botId, platform: key.platform, outboundKey, author: 'bot' as const, ...reply };
    const rules = PLATFORM_RULES[key.platform];
    const parts = splitText(reply.text, rules.textLimit);
    const deliveryIds: string[] = [];
    try {
      for (const [index, text] of parts.entries()) {
        const wait = paceDelayMs({ lastSentAt: state.lastSentAt, now: Date.now(), minIntervalMs: rules.minSendIntervalMs });
        if (wait > 0) await sleep(wait);
        const receipt = await delivery.sendReply({ key, text, outboundKey: outboundPartKey(outboundKey, index, parts.length), replyContext });
        deliveryIds.push(...receipt.platformMessageIds);
        state = { ...state, lastSentAt: Date.now() };
      }
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const cause = error.cause instanceof ApplicationFailure ? error.cause : undefined;
      const failure = { type: cause?.type ?? 'DeliveryFailed', message: cause?.message ?? error.message };
      await records.recordDeliveryFailure({ conversationId, ...failure });
      await records.persistOutbound({ ...outbound, status: 'failed', error: failure, deliveryIds });
      return false;
    }
    await records.persistOutbound({ ...outbound, status: 'sent', deliveryIds });
    return true;
  }

  function setStatus(status: ConversationStatus): void {
    state = { ...state, status };
    upsertSearchAttributes([{ key: ConversationStatusAttribute, value: status }]);
    updateMemo();
  }

  function updateMemo(): void {
    upsertMemo({
      conversationId: state.conversationId,
      status: state.status,
      messagesIn: state.messagesIn,
      repliesOut: state.repliesOut,
    });
  }
}
