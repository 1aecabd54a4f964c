import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationActivities } from '../../activities';
import type { BotSettings } from '../../src/conversations/bot-settings';
import { type ConversationKey, formatConversationKey } from '../../src/conversations/conversation-key';
import type { InboundMessage } from '../../src/conversations/inbound-message';
import { rejectedMessageIds } from '../../src/conversations/inbound-rejection';
import { requestIdsOf } from '../../src/conversations/request-trace';
import { outboundKeyFor, outboundPartKey, paceDelayMs } from '../../src/conversations/outbound-parts';
import { splitText } from '../../src/conversations/split-text';
import { asksForHuman, NOTICES, REFUSAL_REPLY } from './first-shape-rules';
import { PLATFORM_RULES } from '../../src/platforms/platform-rules';
import { createDeadlineWaiter } from '../deadline-timer';
import {
  admitMessage,
  botMayReply,
  combineTurnText,
  type ConversationState,
  type ConversationStatus,
  debounceRemainingMs,
  endHandoff,
  handoffRemainingMs,
  findOutcome,
  queueAgentMessage,
  recordOutcome,
  recordTurn,
  type ReplyKind,
  shouldContinueAsNew,
  type ReplyOutcome,
  restoreState,
  snapshotOf,
  startHandoff,
  startOverWith,
} from '../conversation-state';
import {
  CONVERSATION_WORKFLOW_TYPE,
  agentMessageUpdate,
  conversationStateQuery,
  endConversationSignal,
  handoffUpdate,
  inboundMessageSignal,
  inboundMessageUpdate,
  type OperatorAction,
  releaseUpdate,
} from '../definitions';
import type { NotificationEvent, NotificationEventType } from '../../src/notifications/notification-event';
import { notificationWorkflow } from '../notification-workflow';
import type { conversationV2 } from '../conversation-workflow';
import { ConversationStatusAttribute } from '../search-attributes';

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

/** Every run of this shape continues as the current one, which reads the same state. */
const continueAsNewToCurrentShape = makeContinueAsNewFunc<typeof conversationV2>({ workflowType: CONVERSATION_WORKFLOW_TYPE });

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
 * FROZEN: the first shape of a conversation (workflow type `conversationWorkflow`), kept so that
 * conversations started before the turn's pipeline finish on the code they started with. Each run
 * continues as new into `conversationV2` (`../conversation-workflow.ts`); once none of this type
 * is running (`temporal workflow count --query "WorkflowType='conversationWorkflow' AND
 * ExecutionStatus='Running'"`), delete this file. Change nothing else here: the replay test holds
 * it to the recorded histories.
 *
 * One conversation: a bot, a platform, a chat. Messages arrive as signals (or updates, when the
 * caller waits for the reply), are deduplicated and queued, and are answered one turn at a time in
 * order of receipt. Decisions live in `conversation-state.ts`; this function wires them to Temporal.
 */
export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<ConversationWorkflowResult> {
  const { key } = input;
  const logAttributes = { conversationKey: formatConversationKey(key) };
  let state = restoreState(input.state);
  let endRequest: string | null = null;
  /** Bumped by operator actions, so the main loop re-reads the state it waits on. */
  let wakeups = 0;
  let burst = { firstAt: Date.now(), lastAt: Date.now() };
  /** Messages taken from the queue into the turn being worked. */
  const inTurn = new Set<string>();
  /** Model tokens spent in the turn being worked, recorded with its reply. */
  let turnTokens: number | null = null;
  /** The events the bot's subscribers want, from its latest settings; undefined until read. */
  let subscribedEvents: readonly string[] | undefined;
  /** The HTTP requests behind the current turn, passed to its activities for their log lines. */
  let requestIds: string[] = [];

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

  const forThisConversation = ({ conversationId: target }: OperatorAction) => {
    if (target !== state.conversationId || state.status === 'ended') throw new Error('This conversation has ended.');
  };
  setHandler(
    handoffUpdate,
    async ({ by }) => {
      await changeStatus('handoff', by);
      return snapshotOf(state);
    },
    { validator: forThisConversation },
  );
  setHandler(
    releaseUpdate,
    async ({ by }) => {
      await changeStatus('active', by);
      return snapshotOf(state);
    },
    { validator: forThisConversation },
  );
  setHandler(
    agentMessageUpdate,
    ({ messageId, text, by }) => {
      state = queueAgentMessage(state, { messageId, text, by }, Date.now());
      wakeups++;
      return { queued: true };
    },
    {
      validator: (action) => {
        forThisConversation(action);
        if (state.status !== 'handoff') throw new Error('Take the conversation over first: POST /v1/conversations/:id/handoff.');
      },
    },
  );

  /** What this run last wrote to the memo; null: nothing yet. */
  let memoWritten: { conversationId: string | null; status: ConversationStatus } | null = null;
  /** null: not read yet; undefined: the bot is deleted. */
  let firstBot: BotSettings | undefined | null = null;
  if (state.conversationId === null) {
    const info = workflowInfo();
    const conversationId = await records.openConversation({ key, workflowId: info.workflowId, firstRunId: info.runId });
    state = { ...state, conversationId };
    log.info('Conversation started', { ...logAttributes, conversationId });
    // The bot first: its subscribers decide whether the event needs a delivery workflow at all.
    if (patched('notify-subscribed-only')) firstBot = await loadBot();
    await notify('conversation.started');
  }
  const conversationId = state.conversationId!;
  updateMemo();

  if (firstBot === null) firstBot = await loadBot();
  let botDeleted = firstBot === undefined;
  // Read only while the bot exists: the loop below never runs for a deleted one.
  let bot = firstBot as BotSettings;

  const waitUntil = createDeadlineWaiter();
  while (!botDeleted) {
    const seenWakeups = wakeups;
    const handoffLeft = handoffRemainingMs(state, Date.now(), bot.handoffTimeoutMs);
    const ready = () => state.queue.length > 0 || state.agentOutbox.length > 0 || endRequest !== null || wakeups !== seenWakeups;
    const waitMs = Math.min(bot.idleTimeoutMs, handoffLeft ?? Infinity);
    // Runs recorded before the patch started and cancelled a timer on every turn.
    const atDeadline = waitMs === bot.idleTimeoutMs ? 'the conversation ends' : 'the bot gets the conversation back';
    const woke = patched('one-idle-timer') ? await waitUntil(ready, Date.now() + waitMs, atDeadline) : await condition(ready, waitMs);
    if (endRequest !== null) break;
    if (!woke) {
      if (handoffRemainingMs(state, Date.now(), bot.handoffTimeoutMs) !== 0) break;
      await releaseUnansweredHandoff();
      continue;
    }
    if (state.agentOutbox.length > 0) {
      await sendAgentMessages();
      continue;
    }
    if (state.queue.length === 0) continue;

    const current = await loadBot();
    if (!current) {
      botDeleted = true;
      break;
    }
    bot = current;
    const { replyToEachMessage } = PLATFORM_RULES[key.platform];
    if (!replyToEachMessage) {
      for (let wait = debounceWait(); wait > 0 && endRequest === null; wait = debounceWait()) await sleep(wait);
    }

    const batch = replyToEachMessage ? state.queue.slice(0, 1) : state.queue;
    state = { ...state, queue: state.queue.slice(batch.length) };
    await runTurn(batch);

    // Queued messages travel with the state. Callers waiting on an update get their replies first:
    // a handler whose reply is recorded finishes once the workflow yields, so yield before checking.
    // One still waiting for a queued message keeps this run until the next turn answers it.
    if (shouldContinueAsNew(workflowInfo())) {
      await condition(() => allHandlersFinished() || state.queue.length > 0);
      if (allHandlersFinished()) {
        log.info('Continuing as new', { ...logAttributes, historyLength: workflowInfo().historyLength });
        return continueAsNewToCurrentShape({ key, state });
      }
    }
  }

  const endReason = botDeleted ? 'bot deleted' : (endRequest ?? 'idle');
  if (botDeleted) {
    // Nobody is left to answer; queued messages must not open another conversation.
    state = recordOutcome({ ...state, queue: [] }, state.queue.map((m) => m.messageId), { status: 'not-answered', reason: 'ended' });
  }
  setStatus('ended');
  await records.endConversation({ conversationId, reason: endReason });
  log.info('Conversation ended', { ...logAttributes, reason: endReason });
  await notify('conversation.ended', { reason: endReason });

  if (state.queue.length > 0) {
    // Messages arrived while this conversation was ending: they open the next one.
    return continueAsNewToCurrentShape({ key, state: startOverWith(state) });
  }
  return { conversationId, endReason, messagesIn: state.messagesIn, repliesOut: state.repliesOut };

  /**
   * Tells webhook subscribers, through a child workflow that outlives this run. Behind a patch, so
   * conversations recorded before notifications existed still replay.
   */
  async function notify(type: NotificationEventType, data: Record<string, unknown> = {}): Promise<void> {
    if (!patched('webhook-notifications')) return;
    // Unknown (settings recorded before subscriptions were read): start it, the delivery decides.
    if (subscribedEvents !== undefined && !subscribedEvents.includes(type)) return;
    const event: NotificationEvent = {
      id: uuid4(),
      type,
      botId: key.botId,
      platform: key.platform,
      chatId: key.chatId,
      conversationId: state.conversationId!,
      at: new Date().toISOString(),
      data,
    };
    await startChild(notificationWorkflow, {
      args: [event],
      workflowId: `notification:${event.id}`,
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }

  /** The bot's settings, read at every turn so edits apply at once; undefined once it was deleted. */
  async function loadBot(): Promise<BotSettings | undefined> {
    try {
      const loaded = await settings.loadBotSettings(key.botId);
      subscribedEvents = loaded.subscribedEvents;
      return loaded;
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'BotNotFound') {
        return undefined;
      }
      throw error;
    }
  }

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
      const { accepted, rejected } = await storeInbound(batch);
      const fresh = batch.filter((m) => accepted.has(m.messageId));
      const stale = batch.filter((m) => !accepted.has(m.messageId) && !rejected.has(m.messageId)).map((m) => m.messageId);
      state = recordOutcome(state, stale, { status: 'duplicate' });
      if (fresh.length === 0) return;

      const ids = fresh.map((m) => m.messageId);
      requestIds = requestIdsOf(fresh);
      const userText = combineTurnText(fresh);
      if (!botMayReply(state.status)) {
        state = recordOutcome(recordTurn(state, userText, null), ids, { status: 'not-answered', reason: 'handoff' });
        return;
      }
      if (!bot.enabled) {
        // A disabled bot keeps what people say and answers nothing.
        state = recordOutcome(recordTurn(state, userText, null), ids, { status: 'not-answered', reason: 'disabled' });
        return;
      }

      if (asksForHuman(userText, bot.handoffPattern)) {
        await changeStatus('handoff', 'bot');
        const notice = { text: NOTICES.handoffRequested, kind: 'notice' as const };
        await deliver(notice, { outboundKey: outboundKeyFor(fresh), replyContext: fresh.at(-1)?.replyContext, author: 'bot' });
        state = recordOutcome(recordTurn(state, userText, notice), ids, { status: 'replied', ...notice });
        return;
      }

      const reply = await composeReply(bot, userText);
      const result = await deliver(reply, {
        outboundKey: outboundKeyFor(fresh),
        replyContext: fresh.at(-1)?.replyContext,
        author: 'bot',
        modelTokens: turnTokens,
      });
      if (result === 'suppressed') {
        // A human took over while the reply was being written: it never goes out.
        log.info('Reply suppressed: a human has the conversation', logAttributes);
        state = recordOutcome(recordTurn(state, userText, null), ids, { status: 'not-answered', reason: 'handoff' });
        return;
      }
      state = recordTurn(state, userText, reply);
      state = recordOutcome(
        state,
        ids,
        result === 'sent' ? { status: 'replied', ...reply } : { status: 'not-answered', reason: 'delivery-failed' },
      );
      updateMemo();
    } finally {
      requestIds = [];
      batch.forEach((m) => inTurn.delete(m.messageId));
    }
  }

  /**
   * Stores the batch. A message the database can never store (the activity names it) is recorded
   * as not answered, and the turn goes on with the others: one bad message never wedges the rest.
   */
  async function storeInbound(batch: InboundMessage[]): Promise<{ accepted: Set<string>; rejected: Set<string> }> {
    try {
      return { accepted: new Set(await records.persistInbound({ conversationId, messages: batch })), rejected: new Set() };
    } catch (error) {
      const ids = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? rejectedMessageIds(error.cause) : undefined;
      if (!ids?.length) throw error;
      const rejected = new Set(ids);
      log.warn('Messages the database refused are not answered', { ...logAttributes, rejected: ids });
      state = recordOutcome(state, ids, { status: 'not-answered', reason: 'rejected' });
      const rest = batch.filter((m) => !rejected.has(m.messageId));
      const accepted = rest.length === 0 ? [] : await records.persistInbound({ conversationId, messages: rest });
      return { accepted: new Set(accepted), rejected };
    }
  }

  async function composeReply(current: BotSettings, userText: string): Promise<{ text: string; kind: ReplyKind }> {
    turnTokens = null;
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
        requestIds,
      });
      text = generated.text;
      turnTokens = generated.tokens ? generated.tokens.prompt + generated.tokens.completion : null;
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
      verdict = await model.moderate({ text, provider: 'configured', requestIds });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      verdict = await model.moderate({ text, provider: 'word-list', requestIds });
    }
    if (verdict.flagged) await notify('message.flagged', { categories: verdict.categories, policy: current.moderationPolicy });
    return verdict.flagged && current.moderationPolicy === 'block';
  }

  /**
   * Sends a message in parts that fit the platform, paced with durable timers, then records it.
   * The bot's own replies stop at the first part a human's takeover reaches ('suppressed'); notices
   * and the operator's messages always go. 'failed' means the platform refused for good, recorded.
   */
  async function deliver(
    message: { text: string; kind: ReplyKind },
    route: { outboundKey: string; replyContext?: Record<string, string>; author: 'bot' | 'agent'; modelTokens?: number | null },
  ): Promise<'sent' | 'failed' | 'suppressed'> {
    const { outboundKey, replyContext, author, modelTokens } = route;
    const rules = PLATFORM_RULES[key.platform];
    const parts = splitText(message.text, rules.textLimit);
    const mayStop = author === 'bot' && message.kind !== 'notice';
    const sent: string[] = [];
    const deliveryIds: string[] = [];
    const record = (status: 'sent' | 'failed', error?: { type: string; message: string }) =>
      records.persistOutbound({
        conversationId,
        botId: key.botId,
        platform: key.platform,
        outboundKey,
        author,
        kind: message.kind,
        text: status === 'sent' && sent.length < parts.length ? sent.join('\n') : message.text,
        status,
        error,
        deliveryIds,
        modelTokens,
        requestIds,
      });
    try {
      for (const [index, text] of parts.entries()) {
        const wait = paceDelayMs({ lastSentAt: state.lastSentAt, now: Date.now(), minIntervalMs: rules.minSendIntervalMs });
        if (wait > 0) await sleep(wait);
        if (mayStop && !botMayReply(state.status)) {
          if (sent.length > 0) await record('sent');
          return 'suppressed';
        }
        const receipt = await delivery.sendReply({
          key,
          text,
          outboundKey: outboundPartKey(outboundKey, index, parts.length),
          replyContext,
          requestIds,
        });
        sent.push(text);
        deliveryIds.push(...receipt.platformMessageIds);
        state = { ...state, lastSentAt: Date.now() };
      }
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const cause = error.cause instanceof ApplicationFailure ? error.cause : undefined;
      const failure = { type: cause?.type ?? 'DeliveryFailed', message: cause?.message ?? error.message };
      await records.recordDeliveryFailure({ conversationId, ...failure });
      await record('failed', failure);
      await notify('delivery.failed', failure);
      return 'failed';
    }
    await record('sent');
    return 'sent';
  }

  async function sendAgentMessages(): Promise<void> {
    while (state.agentOutbox.length > 0) {
      const [next] = state.agentOutbox;
      await deliver({ text: next!.text, kind: 'reply' }, { outboundKey: `agent:${next!.messageId}`, author: 'agent' });
      state = { ...state, agentOutbox: state.agentOutbox.slice(1) };
    }
  }

  /** Nobody answered within the bot's handoff timeout: the bot takes the conversation back and says so. */
  async function releaseUnansweredHandoff(): Promise<void> {
    const since = state.handoff?.since ?? Date.now();
    await changeStatus('active', 'handoff timeout');
    await deliver({ text: NOTICES.autoReleased, kind: 'notice' }, { outboundKey: `notice:released:${since}`, author: 'bot' });
  }

  async function changeStatus(next: 'active' | 'handoff', by: string): Promise<void> {
    if (state.status === next || state.status === 'ended') return;
    state = next === 'handoff' ? startHandoff(state, by, Date.now()) : endHandoff(state);
    wakeups++;
    setStatus(state.status);
    log.info(next === 'handoff' ? 'A human took the conversation over' : 'The bot has the conversation again', { ...logAttributes, by });
    await records.setConversationStatus({ conversationId: state.conversationId!, status: next });
    if (next === 'handoff') await notify('handoff.requested', { by });
  }

  function setStatus(status: ConversationStatus): void {
    state = { ...state, status };
    upsertSearchAttributes([{ key: ConversationStatusAttribute, value: status }]);
    updateMemo();
  }

  /**
   * The memo shows what identifies the conversation: its id and status, written when one of them
   * changes (counts are in the conversationState query). Runs recorded before the patch wrote the
   * counts too, after every turn.
   */
  function updateMemo(): void {
    if (!patched('memo-on-change')) {
      upsertMemo({ conversationId: state.conversationId, status: state.status, messagesIn: state.messagesIn, repliesOut: state.repliesOut });
      return;
    }
    const memo = { conversationId: state.conversationId, status: state.status };
    if (memoWritten !== null && memoWritten.conversationId === memo.conversationId && memoWritten.status === memo.status) return;
    memoWritten = memo;
    upsertMemo(memo);
  }

}
