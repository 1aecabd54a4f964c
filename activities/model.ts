import { log } from '@temporalio/activity';
import type { RequestTrace } from '../src/conversations/request-trace';
import type { Metrics } from '../src/metrics/metrics';
import type { GeneratedReply, GeneratedSummary, GeneratedUnderstanding, ModerationVerdict, ReplyRequest } from '../src/model/model-client';
import type { SummaryRequest } from '../src/model/summary-prompt';
import type { UnderstandingRequest } from '../src/model/understanding-prompt';
import { moderateWithWordList } from '../src/model/word-list-moderation';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

/** The model's calls, timed (their tokens are counted with the turn's usage, `activities/turn.ts`); used by the turn's pipeline and by the activities below. */
export function createModelCalls({ model, metrics: rawMetrics, breakers }: Pick<ActivityDeps, 'model' | 'metrics' | 'breakers'>) {
  // Every model call goes through a circuit breaker: the moderation endpoint's, or the model's
  // (chat completions). Open, it fails at once: the fallback reply answers, the steps degrade.
  const metrics = rawMetrics;
  const timed = <T>(m: Metrics, operation: Operation, call: () => Promise<T>) =>
    timedCall(m, operation, () => breakers.run(operation === 'moderation' ? 'moderation' : 'model', call));
  let warnedOffline = false;
  return {
    async moderate(text: string, provider: 'configured' | 'word-list'): Promise<ModerationVerdict> {
      const verdict =
        provider === 'word-list' ? moderateWithWordList(text) : await timed(metrics, 'moderation', () => model.moderate(text));
      if (verdict.flagged) {
        metrics.moderationFlags.inc({ provider: verdict.provider });
        log.info('Moderation flagged a message', { categories: verdict.categories });
      }
      return verdict;
    },

    async understand(request: UnderstandingRequest): Promise<GeneratedUnderstanding | null> {
      return timed(metrics, 'understanding', () => model.understand(request));
    },

    async summarise(request: SummaryRequest): Promise<GeneratedSummary> {
      const summary = await timed(metrics, 'summary', () => model.summarise(request));
      log.info('Folded the oldest turns into the summary', { entries: request.entries.length, tokens: summary.tokens });
      return summary;
    },

    async generateReply(request: ReplyRequest, onDelta?: (delta: string) => void): Promise<GeneratedReply> {
      const reply = await timed(metrics, 'reply', () => model.generateReply(request, onDelta));
      if (reply.offline) {
        // Once per worker: the start-up log already says so, and every reply says it to the person.
        if (!warnedOffline) log.warn('Replying with the offline responder: no OPENAI_API_KEY is configured');
        warnedOffline = true;
      } else log.info('Model replied', { model: reply.model, tokens: reply.tokens });
      return reply;
    },
  };
}

/** Conversations of the first shape (`workflows/legacy/`) call the model through these. */
export function createModelActivities(deps: Pick<ActivityDeps, 'model' | 'metrics' | 'breakers'>) {
  const calls = createModelCalls(deps);
  return {
    async moderate(args: { text: string; provider: 'configured' | 'word-list' } & RequestTrace): Promise<ModerationVerdict> {
      return whileHeartbeating(() => calls.moderate(args.text, args.provider));
    },

    async generateReply(request: ReplyRequest & RequestTrace): Promise<GeneratedReply> {
      const reply = await whileHeartbeating(() => calls.generateReply(request));
      // Today's conversations count their tokens per bot with the turn's usage; these know no bot.
      if (reply.tokens) {
        deps.metrics.modelTokens.inc({ model: reply.model, kind: 'prompt' }, reply.tokens.prompt);
        deps.metrics.modelTokens.inc({ model: reply.model, kind: 'completion' }, reply.tokens.completion);
      }
      return reply;
    },
  };
}

type Operation = 'reply' | 'moderation' | 'summary' | 'understanding';

async function timedCall<T>(metrics: Metrics, operation: Operation, call: () => Promise<T>): Promise<T> {
  const stop = metrics.modelRequestDuration.startTimer({ operation });
  try {
    const result = await call();
    stop({ outcome: 'ok' });
    return result;
  } catch (error) {
    stop({ outcome: 'error' });
    throw error;
  }
}
