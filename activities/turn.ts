import { findLastInboundAt } from '../src/db/queries/messages';
import { mediaBytes } from '../src/db/queries/media';
import { createHash } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import { type ConversationKey, formatConversationKey } from '../src/conversations/conversation-key';
import type { InboundMessage } from '../src/conversations/inbound-message';
import type { RequestTrace } from '../src/conversations/request-trace';
import type { ReplyKind } from '../src/conversations/reply-kind';
import { findConversationStatus, openConversation, updateConversationSummary } from '../src/db/queries/conversations';
import { findOutboundMessage, saveMessageUnderstanding } from '../src/db/queries/messages';
import { announceDraft, type DraftNotice } from '../src/db/queries/reply-stream';
import { deleteReplyDraft, findReplyDraft, markDraftPartsSent, saveReplyDraft, type ReplyDraftRow } from '../src/db/queries/reply-drafts';
import { costOf } from '../src/model/model-prices';
import type { ModelUsage } from '../src/model/model-usage';
import { callFailureOf } from '../src/temporal/failures';
import { runTurn } from '../src/turn/run-turn';
import type { TurnInput, TurnReport } from '../src/turn/turn-contract';
import type { DraftSink } from '../src/turn/draft-stream';
import type { StoredDraft, TurnIO } from '../src/turn/turn-io';
import type { TypingIndicator } from '../src/turn/typing-indicator';
import { type ConversationBot, loadConversationBot } from './bot-settings';
import { createConversationRecordActivities } from './conversation-records';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';
import { createInboundStore } from './inbound-store';
import { createModelCalls } from './model';
import { createPlatformSend } from './send-reply';
import { typingIndicatorFor } from './typing';

export interface BegunTurn {
  conversationId: string;
  /** True when this call opened the conversation. */
  opened: boolean;
  /** The bot's settings when they differ from `knownVersion`; 'deleted' when the bot is gone. */
  bot: { settings: ConversationBot; version: string } | 'unchanged' | 'deleted';
  /** Ids new to this conversation, stored; the rest of the batch are late duplicates or rejected. */
  accepted: string[];
  /** Ids the database can never store: answered `not-answered/rejected`. */
  rejected: string[];
}

/** The two activities of the conversation's turn, and the one for a turn that could not finish in a day. */
export function createTurnActivities(deps: ActivityDeps) {
  const { db, metrics } = deps;
  const records = createConversationRecordActivities(deps);
  const storeInbound = createInboundStore(deps);
  const model = createModelCalls(deps);
  const send = createPlatformSend(deps);

  return {
    /**
     * A local activity, so it costs the workflow no round trip: opens the conversation on its first
     * turn, reads the bot's settings (returning them only when they changed since `knownVersion`,
     * so an edit applies from the next turn), and stores the turn's messages.
     */
    async beginTurn(args: {
      key: ConversationKey;
      conversationId: string | null;
      workflowId: string;
      firstRunId: string;
      knownVersion: string | null;
      messages: InboundMessage[];
    }): Promise<BegunTurn> {
      const conversationId = args.conversationId ?? (await openConversation(db, { key: args.key, workflowId: args.workflowId, firstRunId: args.firstRunId }));
      const opened = args.conversationId === null;
      const settings = await loadConversationBot(deps, args.key.botId);
      if (!settings) return { conversationId, opened, bot: 'deleted', accepted: [], rejected: [] };
      const version = createHash('sha256').update(JSON.stringify(settings)).digest('base64url').slice(0, 16);
      const stored = args.messages.length === 0 ? { accepted: [], rejected: [] } : await storeInbound({ conversationId, messages: args.messages });
      return { conversationId, opened, bot: version === args.knownVersion ? 'unchanged' : { settings, version }, ...stored };
    },

    /** The turn's pipeline (`src/turn/`): write, moderate, send each part, record. Resumes where a failed attempt stopped. */
    async runTurn(input: TurnInput): Promise<TurnReport> {
      const context = Context.current();
      let progress = 'starting';
      const typing = typingIndicatorFor(deps, input);
      const io = turnIO(input, typing, (step) => {
        progress = step;
      });
      let report: TurnReport | undefined;
      try {
        report = await whileHeartbeating(() => runTurn(input, io, context.info.attempt > 1), () => ({ step: progress }));
      } finally {
        // A turn that ends without its reply takes "typing…" back; one that goes on after its tools keeps it.
        await typing?.stop({ withdraw: report?.outcome !== 'sent' && report?.outcome !== 'tools' });
      }
      // A step that could not do its best says so; the log line carries the turn's request ids.
      for (const step of report.steps) if ('degraded' in step && step.degraded) log.warn('A turn step fell back', { step: step.step, degraded: step.degraded });
      return report;
    },

    /** A turn whose delivery kept failing for its whole schedule: recorded as failed, so people see why. */
    async abandonTurn(args: {
      conversationId: string;
      botId: string;
      platform: string;
      outboundKey: string;
      author: 'bot' | 'agent';
      said?: { text: string; kind: ReplyKind };
      failure: { type: string; message: string };
    }): Promise<{ text: string; kind: ReplyKind } | null> {
      const draft = await findReplyDraft(db, args);
      await records.recordDeliveryFailure({ conversationId: args.conversationId, ...args.failure });
      const reply = draft ? { text: draft.text, kind: draft.kind } : args.said;
      if (!reply) return null;
      await records.persistOutbound({ ...args, ...reply, status: 'failed', error: args.failure });
      return reply;
    },
  };

  function turnIO(input: TurnInput & RequestTrace, typing: TypingIndicator | undefined, progress: (step: string) => void): TurnIO {
    const { conversationId, outboundKey, key } = input;
    const draftKey = { conversationId, outboundKey };
    return {
      generateReply: model.generateReply,
      summarise: model.summarise,
      async saveSummary(summary) {
        await updateConversationSummary(db, { conversationId, summary });
      },
      moderate: model.moderate,
      understand: model.understand,
      async saveUnderstanding(messageIds, understanding) {
        await saveMessageUnderstanding(db, { conversationId, messageIds, understanding });
        const bot = key.botId;
        metrics.inboundSentiment.inc({ bot, sentiment: understanding.sentiment.label, decided_by: understanding.decidedBy });
        metrics.inboundIntents.inc({ bot, intent: understanding.intent.name });
        metrics.inboundLanguages.inc({ bot, language: understanding.language });
      },
      send,
      async lastInboundAt() {
        return (await findLastInboundAt(db, key))?.getTime() ?? null;
      },
      seesImages: deps.model.seesImages,
      mediaBytes: (ids) => mediaBytes(db, ids),
      // The web chat shows the reply as it is written; other channels get it whole.
      ...(key.platform === 'webchat' ? { draftSink: draftSinkFor(input) } : {}),
      ...(typing && { typing }),
      classify: callFailureOf,
      costOf: (modelName, tokens) => costOf(modelName, tokens, deps.modelPrices),
      async botMayReply() {
        return (await findConversationStatus(db, conversationId)) === 'active';
      },
      async earlierWork() {
        const [recorded, draft] = await Promise.all([findOutboundMessage(db, draftKey), findReplyDraft(db, draftKey)]);
        return {
          ...(recorded && recorded.kind !== 'message' && recorded.status !== 'received'
            ? { recorded: { text: recorded.text, kind: recorded.kind, status: recorded.status } }
            : {}),
          ...(draft ? { draft: storedDraft(draft) } : {}),
        };
      },
      async saveDraft(draft) {
        const stored = storedDraft(await saveReplyDraft(db, { ...draftKey, ...draft }));
        countUsage(key.botId, draft.usage);
        return stored;
      },
      async markPartsSent(partsSent, deliveryIds) {
        await markDraftPartsSent(db, { ...draftKey, partsSent, deliveryIds });
      },
      async discardDraft() {
        await deleteReplyDraft(db, draftKey);
      },
      async recordReply(reply) {
        await records.persistOutbound({ conversationId, botId: key.botId, platform: key.platform, outboundKey, author: input.author, ...reply });
      },
      async recordFailure(failure) {
        await records.recordDeliveryFailure({ conversationId, ...failure });
      },
      now: () => Date.now(),
      sleep: (ms) => Context.current().sleep(ms),
      progress,
    };
  }

  /** Pieces of the reply, to the visitor's event stream through Postgres NOTIFY; each attempt's drafts apart. */
  function draftSinkFor(input: TurnInput): DraftSink {
    const conversationKey = formatConversationKey(input.key);
    const { outboundKey } = input;
    const attempt = Context.current().info.attempt;
    let warned = false;
    // Showing the draft is best effort: a failure is logged once, and the stored reply still comes.
    const announce = (notice: DraftNotice) =>
      announceDraft(db, notice).catch((error: unknown) => {
        if (!warned) log.warn('Cannot show the reply as it is written; the visitor gets it whole', { error: String(error) });
        warned = true;
      });
    return {
      publish: ({ generation, offset, delta }) => announce({ conversationKey, outboundKey, draftId: `${attempt}.${generation}`, offset, delta }),
      discard: () => announce({ conversationKey, outboundKey, discard: true }),
    };
  }

  /** The turn's tokens and cost in Prometheus, once its reply is written. */
  function countUsage(bot: string, usage: ModelUsage[]): void {
    for (const step of usage) {
      metrics.modelTokens.inc({ bot, model: step.model, kind: 'prompt' }, step.promptTokens);
      metrics.modelTokens.inc({ bot, model: step.model, kind: 'completion' }, step.completionTokens);
      if (step.costUsd !== null) metrics.modelCost.inc({ bot, model: step.model }, step.costUsd);
    }
  }
}

function storedDraft(row: ReplyDraftRow): StoredDraft {
  return {
    text: row.text,
    kind: row.kind,
    usage: row.usage,
    moderationFlags: row.moderation_flags,
    attachments: row.attachments,
    choices: row.choices,
    partsSent: row.parts_sent,
    deliveryIds: row.delivery_ids,
  };
}
