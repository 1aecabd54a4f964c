import { conversationWorkflowId } from '../../src/conversations/conversation-key';
import { postApiMessageAndWait } from '../support/api-channel-message';
import { BENCH_BOT_ID, startBenchStack } from '../support/bench-stack';
import { Latencies } from '../support/histogram';
import { progressBar } from '../support/progress-bar';
import type { Figures } from '../support/previous-figures';
import type { Scenario } from './scenario';

const WINDOW = 10;

/**
 * (c) One long conversation, one message at a time, each after the previous reply: the reply
 * latency around message 10 and around the last message, and the continue-as-new runs it took.
 * Uses the API channel with `?wait=true`, which has no per-chat pacing (Telegram allows one
 * message a second per chat, which would make 2,000 turns take over half an hour).
 */
export const longConversation: Scenario = async ({ logger, settings, startServers }) => {
  const servers = await startServers();
  const stack = await startBenchStack(servers, logger);
  const target = settings.longMessages;
  const total = target + WINDOW;
  const chatId = 'long-conversation';
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let continuedAsNew = 0;
  try {
    await stack.startWorker();
    const bar = progressBar(`one conversation, ${total} messages`, total);
    for (let n = 1; n <= total; n++) {
      const started = performance.now();
      try {
        await postApiMessageAndWait(stack.baseUrl, { chatId, messageId: `m${n}`, text: `bench c-${n}` });
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      latencies.push(performance.now() - started);
      bar.update(n, errors ? `${errors} failed` : '');
    }
    bar.finish();
    const workflowId = conversationWorkflowId({ botId: BENCH_BOT_ID, platform: 'api', chatId });
    for await (const execution of stack.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (execution.status.name === 'CONTINUED_AS_NEW') continuedAsNew++;
    }
  } finally {
    await stack.close();
    await servers.stop();
  }

  const window = (center: number) => {
    const recorder = new Latencies();
    const from = Math.max(1, center - WINDOW);
    for (let n = from; n <= Math.min(total, center + WINDOW); n++) recorder.record(latencies[n - 1]!);
    return { label: `messages ${from}-${Math.min(total, center + WINDOW)}`, recorder };
  };
  const early = window(WINDOW);
  const late = window(target);
  const tenths = Array.from({ length: 10 }, (_, i) => {
    const from = Math.floor((i * total) / 10);
    const to = Math.floor(((i + 1) * total) / 10);
    const recorder = new Latencies();
    latencies.slice(from, to).forEach((ms) => recorder.record(ms));
    return { label: `${from + 1}-${to}`, summary: recorder.summary() };
  });
  const e = early.recorder.summary();
  const l = late.recorder.summary();
  return {
    id: 'c',
    title: 'Long conversation',
    method: [
      `One conversation on the API channel, ${total} messages sent one at a time, each after its reply (\`POST /v1/bots/:botId/messages?wait=true\`), 0 ms model fake, 0 ms debounce.`,
      'The API channel is used because the product paces Telegram replies to one a second per chat.',
      `Compared: the ${WINDOW * 2 + 1} messages around message ${WINDOW} and around message ${target}. Continue-as-new runs are counted from Temporal's visibility store.`,
    ],
    tables: [
      {
        header: ['window', 'p50 ms', 'p99 ms', 'max ms'],
        rows: [
          [early.label, e.p50, e.p99, e.max],
          [late.label, l.p50, l.p99, l.max],
        ],
      },
      {
        caption: 'Every message, in tenths of the conversation',
        header: ['messages', 'p50 ms', 'p99 ms', 'max ms'],
        rows: tenths.map(({ label, summary }) => [label, summary.p50, summary.p99, summary.max]),
      },
    ],
    charts: [{ title: 'Reply latency early vs late in one conversation (CDF)', series: [early, late].map(({ label, recorder }) => ({ name: label, cdf: recorder.cdf() })) }],
    findings: [
      `Around message ${target}, p50 is ${l.p50} ms against ${e.p50} ms around message ${WINDOW} (${(l.p50 / e.p50).toFixed(2)}×); ${continuedAsNew} continue-as-new runs over ${total} messages.`,
      ...(firstError ? [`${errors} messages failed; the first: ${firstError}`] : []),
    ],
    data: { total, errors, continuedAsNew, early: e, late: l, tenths, latencies: latencies.map((ms) => Math.round(ms * 10) / 10) },
  };
};

/** The figures of (c) a later report sets beside its own. */
export function longConversationFigures(data: Record<string, any>): Figures {
  return {
    'early p50 ms': data.early?.p50,
    'late p50 ms': data.late?.p50,
    'late p99 ms': data.late?.p99,
    errors: data.errors,
  };
}
