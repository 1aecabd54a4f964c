import {
  type ActivityOptions,
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  type LocalActivityOptions,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConversationActivities } from '../activities';
import type { ConversationBot } from '../activities/bot-settings';
import { type ConversationKey, formatConversationKey } from '../src/conversations/conversation-key';
import type { InboundMessage } from '../src/conversations/inbound-message';
import { noticeIn } from '../src/conversations/notices';
import { outboundKeyFor, proactiveMessageId } from '../src/conversations/outbound-parts';
import { requestIdsOf } from '../src/conversations/request-trace';
import type { NotificationEventType } from '../src/notifications/notification-event';
import { PLATFORM_RULES } from '../src/platforms/platform-rules';
import { handsOver } from '../src/conversations/turn-handoff';
import type { ToolCall, ToolResult } from '../src/tools/tool-definition';
import type { TurnInput, TurnReport } from '../src/turn/turn-contract';
import {
  applyMemory,
  combineTurnText,
  type ConversationState,
  type ConversationStatus,
  debounceRemainingMs,
  decideTurn,
  handoffRemainingMs,
  recordOutcome,
  recordReport,
  recordBotMessage,
  recordTeamMessage,
  recordUnanswered,
  restoreState,
  shouldContinueAsNew,
  startOverWith,
} from './conversation-state';
import { createDeadlineWaiter } from './deadline-timer';
import { setConversationHandlers } from './conversation-handlers';
import { notifySubscribers } from './notify-subscribers';
import { beginTurnSummary, turnSummary } from './activity-summaries';
import { readTurnMedia } from './read-media';
import { hasWords } from '../src/conversations/turn-media';
import { reengagementTemplate } from '../src/conversations/whatsapp-templates';
import { ConversationStatusAttribute } from './search-attributes';
import { asksForHuman } from './legacy/first-shape-rules';

/**
 * Runs recorded before the pipeline told whether the person asks for a human decided it here, by
 * the English rule, and changed the status before the notice went out. They replay that way.
 */
const HANDOFF_BY_INTENT = 'handoff-by-intent';

/** Runs recorded before a turn took one person's messages only merged everyone's queued messages; they replay that way. */
const TURN_PER_PERSON = 'turn-per-person';
const READ_MEDIA = 'read-media';

/** The bot's settings as the conversation caches them; `version` tells the next turn whether they changed. */
export interface CachedBot {
  settings: ConversationBot;
  version: string;
}

export interface ConversationInput {
  key: ConversationKey;
  /** Set by continue-as-new: the previous run's state, and the settings it had cached. */
  state?: ConversationState;
  bot?: CachedBot;
}

export interface ConversationResult {
  conversationId: string | null;
  endReason: string;
  messagesIn: number;
  repliesOut: number;
}

/** Opens the conversation, reads the bot's settings when they changed, stores the turn's messages. */
const LOCAL_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '15 seconds',
  // Postgres is the system of record: keep retrying through an outage until it is back.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '20 seconds' },
};
const local = proxyLocalActivities<ConversationActivities>(LOCAL_OPTIONS);

/**
 * The turn's pipeline. Heartbeats let a crashed worker's turn resume elsewhere within seconds; it
 * retries until the platform takes the reply or says it never will, and a day bounds an outage.
 */
const PIPELINE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '5 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
const pipeline = proxyActivities<ConversationActivities>(PIPELINE_OPTIONS);

/**
 * A tool call: three tries, then the model reads the failure. Each try gets the tool's own timeout
 * (set per call) with a margin for the request around it.
 */
const TOOL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
};
const TOOL_CALL_MARGIN_MS = 5_000;
const tools = proxyActivities<ConversationActivities>(TOOL_OPTIONS);

/**
 * One conversation: a bot, a platform, a chat. Messages arrive as signals (or updates, when the
 * caller waits for the reply), are deduplicated and queued, and are answered one turn at a time in
 * order of receipt. A turn is one local activity (`beginTurn`) and one activity (`runTurn`, the
 * pipeline in `src/turn/`). Decisions live in `conversation-state.ts`.
 */
export async function conversationV2(input: ConversationInput): Promise<ConversationResult> {
  const { key } = input;
  const logAttributes = { conversationKey: formatConversationKey(key) };
  const entity = setConversationHandlers(restoreState(input.state), { changeStatus });
  let bot: CachedBot | null = input.bot ?? null;
  let botDeleted = false;
  let memoWritten: { conversationId: string | null; status: ConversationStatus } | null = null;

  if (entity.state.conversationId === null || bot === null) await beginTurn([]);
  const conversationId = entity.state.conversationId!;
  updateMemo();

  const waitUntil = createDeadlineWaiter();
  while (!botDeleted) {
    const { idleTimeoutMs, handoffTimeoutMs, debounceMs } = bot!.settings;
    const seenWakeups = entity.wakeups;
    const ready = () => entity.hasWork() || entity.wakeups !== seenWakeups;
    const handoffLeft = handoffRemainingMs(entity.state, Date.now(), handoffTimeoutMs) ?? Infinity;
    const atDeadline = idleTimeoutMs <= handoffLeft ? 'the conversation ends' : 'the bot gets the conversation back';
    const woke = await waitUntil(ready, Date.now() + Math.min(idleTimeoutMs, handoffLeft), atDeadline);
    if (entity.endRequest !== null) break;
    if (!woke) {
      if (handoffRemainingMs(entity.state, Date.now(), handoffTimeoutMs) !== 0) break;
      await releaseUnansweredHandoff();
      continue;
    }
    if (entity.state.agentOutbox.length > 0) {
      await sendAgentMessages();
      continue;
    }
    if (entity.state.queue.length === 0) continue;

    const { replyToEachMessage } = PLATFORM_RULES[key.platform];
    if (!replyToEachMessage) {
      const wait = () => debounceRemainingMs({ ...entity.burst, now: Date.now(), windowMs: debounceMs });
      for (let ms = wait(); ms > 0 && entity.endRequest === null; ms = wait()) await sleep(ms);
    }
    await takeTurn(entity.takeBatch(replyToEachMessage ? 1 : Infinity, patched(TURN_PER_PERSON)));

    // Callers waiting on an update get their replies first: a handler whose reply is recorded
    // finishes once the workflow yields. One still waiting for a queued message keeps this run.
    if (shouldContinueAsNew(workflowInfo())) {
      await condition(() => allHandlersFinished() || entity.state.queue.length > 0);
      if (allHandlersFinished()) {
        log.info('Continuing as new', { ...logAttributes, historyLength: workflowInfo().historyLength });
        return continueAsNew<typeof conversationV2>({ key, state: entity.state, bot: bot! });
      }
    }
  }

  const endReason = botDeleted ? 'bot deleted' : (entity.endRequest ?? 'idle');
  // Nobody is left to answer a deleted bot's messages; they must not open another conversation.
  if (botDeleted) entity.answerQueued({ status: 'not-answered', reason: 'ended' });
  setStatus('ended');
  await local.endConversation({ conversationId, reason: endReason });
  log.info('Conversation ended', { ...logAttributes, reason: endReason });
  await notify('conversation.ended', { reason: endReason });
  // Messages that arrived while this conversation was ending open the next one.
  if (entity.state.queue.length > 0) return continueAsNew<typeof conversationV2>({ key, state: startOverWith(entity.state), bot: bot! });
  const { messagesIn, repliesOut } = entity.state;
  return { conversationId, endReason, messagesIn, repliesOut };

  /** The turn's local activity: with no messages, it only opens the conversation and reads the bot. */
  async function beginTurn(messages: InboundMessage[]) {
    const info = workflowInfo();
    const summary = beginTurnSummary(messages.length);
    const begun = await local.beginTurn.executeWithOptions({ ...LOCAL_OPTIONS, summary }, [{
      key,
      conversationId: entity.state.conversationId,
      workflowId: info.workflowId,
      firstRunId: info.runId,
      knownVersion: bot?.version ?? null,
      messages,
    }]);
    if (begun.bot === 'deleted') botDeleted = true;
    else if (begun.bot !== 'unchanged') bot = begun.bot;
    if (begun.opened) {
      entity.update({ ...entity.state, conversationId: begun.conversationId });
      log.info('Conversation started', { ...logAttributes, conversationId: begun.conversationId });
      if (!botDeleted) await notify('conversation.started');
    }
    return begun;
  }

  async function takeTurn(batch: InboundMessage[]): Promise<void> {
    const done = entity.startTurn(batch);
    try {
      const begun = await beginTurn(batch);
      const rejected = new Set(begun.rejected);
      const accepted = new Set(begun.accepted);
      const fresh = batch.filter((m) => accepted.has(m.messageId));
      const ids = fresh.map((m) => m.messageId);
      let state = recordOutcome(entity.state, [...rejected], { status: 'not-answered', reason: 'rejected' });
      const stale = batch.filter((m) => !accepted.has(m.messageId) && !rejected.has(m.messageId)).map((m) => m.messageId);
      state = recordOutcome(state, stale, { status: 'duplicate' });
      if (botDeleted) state = recordOutcome(state, ids, { status: 'not-answered', reason: 'ended' });
      entity.update(state);
      if (rejected.size > 0) log.warn('Messages the database refused are not answered', { ...logAttributes, rejected: [...rejected] });
      if (fresh.length === 0 || botDeleted) return;

      const { settings } = bot!;
      const decision = decideTurn({ status: state.status, enabled: settings.enabled });
      const route = { outboundKey: outboundKeyFor(fresh), replyContext: fresh.at(-1)?.replyContext, requestIds: requestIdsOf(fresh) };
      if (decision.answer === 'none') {
        entity.update(recordUnanswered(entity.state, { userText: combineTurnText(fresh), messageIds: ids, reason: decision.reason }));
        return;
      }
      // Runs recorded before media were read answered a label (`[sent audio]`) and replay that way.
      const notes = patched(READ_MEDIA)
        ? await readTurnMedia({ key, conversationId, messages: fresh, transcriptionModel: settings.transcriptionModel, requestIds: route.requestIds })
        : [];
      const userText = combineTurnText(fresh, notes);
      const media = notes.length > 0 ? { media: { notes, hasWords: hasWords(fresh, notes) } } : {};
      const decidedHere = !patched(HANDOFF_BY_INTENT) && asksForHuman(userText, settings.handoffPattern);
      if (decidedHere) await changeStatus('handoff', 'bot');
      const reply: TurnInput['reply'] = decidedHere
        ? { say: { text: noticeIn('handoffRequested', 'en'), kind: 'notice' } }
        : { write: { messageIds: ids, userText, language: entity.state.language, history: entity.state.history, summary: entity.state.summary, bot: settings, ...media } };
      const report = await answerWithTools(reply, route);
      // The person asked for a human: the team is told, and the bot stays quiet until released.
      // Before the reply is recorded, so a caller waiting on it finds the conversation handed over.
      if (report.handoff) await changeStatus('handoff', 'bot');
      entity.update(recordReport(applyMemory(entity.state, report.memory), { userText, messageIds: ids, report }));
    } finally {
      done();
    }
  }

  /**
   * Runs the turn's pipeline until it answers. When the model asks for tools, each call is its own
   * activity (retried alone, shown by the tool's name), and the pipeline goes on with the results;
   * the pipeline stops offering tools after the bot's `maxToolSteps` rounds, so this ends.
   */
  async function answerWithTools(reply: TurnInput['reply'], route: Pick<TurnInput, 'outboundKey' | 'replyContext' | 'requestIds'>): Promise<TurnReport> {
    let report = await deliver(reply, route, 'bot');
    while (report.outcome === 'tools' && 'write' in reply) {
      const calls = report.toolCalls ?? [];
      const results = await Promise.all(calls.map((call) => callTool(call, route.requestIds)));
      const brief = reply.write;
      reply = { write: { ...brief, toolRounds: [...(brief.toolRounds ?? []), { calls, results }], carried: report.carried } };
      report = await deliver(reply, route, 'bot');
    }
    return report;
  }

  /** One tool call; when its retries run out, the model reads the failure as the result. */
  async function callTool(call: ToolCall, requestIds: string[] | undefined): Promise<ToolResult> {
    const spec = bot!.settings.tools.find((tool) => tool.name === call.name);
    if (!spec) return { callId: call.id, name: call.name, ok: false, error: `there is no tool named "${call.name}"` };
    const options: ActivityOptions = { ...TOOL_OPTIONS, startToCloseTimeout: spec.timeoutMs + TOOL_CALL_MARGIN_MS, summary: `tool ${call.name}` };
    try {
      return await tools.callTool.executeWithOptions(options, [{ botId: key.botId, conversationId, call, requestIds }]);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('A tool call failed for good; the model reads why', { ...logAttributes, tool: call.name });
      return { callId: call.id, name: call.name, ok: false, error: `the tool failed: ${error.cause?.message ?? error.message}` };
    }
  }

  /** Runs the turn's pipeline; a delivery that failed for its whole schedule is recorded as failed. */
  async function deliver(reply: TurnInput['reply'], route: Pick<TurnInput, 'outboundKey' | 'replyContext' | 'requestIds' | 'whatsappTemplate' | 'attachments'>, author: TurnInput['author']): Promise<TurnReport> {
    const input: TurnInput = { key, conversationId, ...route, author, reply, lastSentAt: entity.state.lastSentAt };
    let report: TurnReport;
    try {
      report = await pipeline.runTurn.executeWithOptions({ ...PIPELINE_OPTIONS, summary: turnSummary(input) }, [input]);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const cause = error.cause instanceof ApplicationFailure ? error.cause : undefined;
      const failure = { type: cause?.type ?? 'DeliveryFailed', message: cause?.message ?? error.cause?.message ?? error.message };
      const said = 'say' in reply ? reply.say : undefined;
      const recorded = await local.abandonTurn({ conversationId, botId: key.botId, platform: key.platform, outboundKey: route.outboundKey, author, said, failure });
      report = { outcome: 'failed', reply: recorded ?? { text: '', kind: 'reply' }, steps: [{ step: 'fail', ...failure }], usage: [], flagged: [], partsSent: 0, lastSentAt: input.lastSentAt, failure };
      if (recorded && handsOver(input, recorded)) report.handoff = true;
    }
    entity.update({ ...entity.state, lastSentAt: report.lastSentAt });
    const policy = bot!.settings.moderationPolicy;
    for (const { categories } of report.flagged) await notify('message.flagged', { categories, policy });
    if (report.outcome === 'failed') await notify('delivery.failed', report.failure);
    if (report.outcome === 'suppressed') log.info('Reply suppressed: a human has the conversation', logAttributes);
    return report;
  }

  /** The team's messages, in order: operators' (as the agent), and the bot's own proactive ones. */
  async function sendAgentMessages(): Promise<void> {
    for (let next = entity.state.agentOutbox[0]; next; next = entity.state.agentOutbox[0]) {
      const fromBot = next.from === 'bot';
      // Outside WhatsApp's 24-hour window the message goes as a template: the one asked for, or the bot's re-engagement template.
      const template = key.platform === 'whatsapp' ? (next.template ?? reengagementTemplate(bot!.settings.whatsappTemplates, next.text)) : undefined;
      const route = {
        outboundKey: fromBot ? proactiveMessageId(next.messageId) : `agent:${next.messageId}`,
        ...(template && { whatsappTemplate: template }),
        ...(next.attachments && { attachments: next.attachments }),
      };
      const report = await deliver({ say: { text: next.text, kind: 'reply' } }, route, fromBot ? 'bot' : 'agent');
      const sent = report.outcome !== 'sent' ? entity.state : fromBot ? recordBotMessage(entity.state, next.text) : recordTeamMessage(entity.state, next.text);
      entity.update({ ...sent, agentOutbox: sent.agentOutbox.slice(1) });
    }
  }

  /** Nobody answered within the bot's handoff timeout: the bot takes the conversation back and says so. */
  async function releaseUnansweredHandoff(): Promise<void> {
    const since = entity.state.handoff?.since ?? Date.now();
    await changeStatus('active', 'handoff timeout');
    await deliver({ say: { text: noticeIn('autoReleased', entity.state.language), kind: 'notice' } }, { outboundKey: `notice:released:${since}` }, 'bot');
  }

  async function changeStatus(next: 'active' | 'handoff', by: string): Promise<void> {
    if (!entity.changeStatus(next, by, Date.now())) return;
    setStatus(next);
    log.info(next === 'handoff' ? 'A human took the conversation over' : 'The bot has the conversation again', { ...logAttributes, by });
    // Written before the operator's call returns: the pipeline reads it before sending each part.
    await local.setConversationStatus({ conversationId: entity.state.conversationId!, status: next });
    if (next === 'handoff') await notify('handoff.requested', { by });
  }

  function setStatus(status: ConversationStatus): void {
    entity.update({ ...entity.state, status });
    upsertSearchAttributes([{ key: ConversationStatusAttribute, value: status }]);
    updateMemo();
  }

  function notify(type: NotificationEventType, data: Record<string, unknown> = {}): Promise<void> {
    return notifySubscribers({ key, conversationId: entity.state.conversationId!, subscribed: bot?.settings.subscribedEvents }, type, data);
  }

  /** The memo shows the conversation's id and status, written only when one of them changes. */
  function updateMemo(): void {
    const memo = { conversationId: entity.state.conversationId, status: entity.state.status };
    if (memoWritten?.conversationId === memo.conversationId && memoWritten.status === memo.status) return;
    memoWritten = memo;
    upsertMemo(memo);
  }

}
