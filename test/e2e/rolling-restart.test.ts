import { chatMessages, postApiMessage } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const CONVERSATIONS = 4;
/** Each conversation sends at least this many, and keeps sending until the last roll is done. */
const MIN_MESSAGES = 4;
const ROLLS = 3;
/** Slow enough that a SIGTERM always finds model calls in flight. */
const MODEL_DELAY_MS = 2_000;

/** The worker's pino lines, parsed. */
function logLines(worker: WorkerProcess): Array<Record<string, any>> {
  return worker.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** One attempt of one activity, as the SDK's log lines name it. */
const attemptOf = (line: Record<string, any>) => `${line.workflowRunId}/${line.activityId}/${line.attempt}`;

/** Activities this worker started and has not finished. */
function activitiesInFlight(worker: WorkerProcess): Array<Record<string, any>> {
  const lines = logLines(worker);
  const finished = new Set(lines.filter((l) => l.msg === 'Activity completed' || l.msg === 'Activity failed').map(attemptOf));
  return lines.filter((l) => l.msg === 'Activity started' && !l.isLocal && !finished.has(attemptOf(l)));
}

describe('a rolling restart of the workers', () => {
  let stack: TestStack;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await stack?.close();
  });

  const start = async () => {
    // Debug level: the SDK then logs each activity's start and completion.
    const worker = await startWorkerProcess(stack, { env: { LOG_LEVEL: 'debug' }, readyTimeoutMs: 90_000 });
    workers.push(worker);
    return worker;
  };

  it('loses nothing: SIGTERMed workers finish their in-flight activities and exit 0', async () => {
    stack.fakeOpenAI.setDefault({ kind: 'reply', delayMs: MODEL_DELAY_MS });
    let running = [await start(), await start()];

    const chats = Array.from({ length: CONVERSATIONS }, (_, c) => `rolling-${c}`);
    const sent = new Map(chats.map((chatId) => [chatId, 0]));
    let rolling = true;
    const sending = Promise.all(
      chats.map(async (chatId, c) => {
        for (let m = 1; rolling || m <= MIN_MESSAGES; m++) {
          // A 503 (Temporal slow to accept on a busy machine) is retried with the same id, as a client would.
          await waitFor(`${chatId} message ${m} accepted`, async () => {
            const response = await postApiMessage(stack, chatId, `m${m}`, `${chatId} message ${m}`);
            if (response.status !== 202 && response.status !== 503) throw new Error(`answered ${response.status}`);
            return response.status === 202;
          }, { timeoutMs: 60_000, intervalMs: 500 });
          sent.set(chatId, m);
          await sleep(400 + ((c * 7 + m * 13) % 5) * 250);
        }
      }),
    );

    const stopped: Array<{ worker: WorkerProcess; inFlight: Array<Record<string, any>> }> = [];
    for (let roll = 0; roll < ROLLS; roll++) {
      const [victim, survivor] = running as [WorkerProcess, WorkerProcess];
      const inFlight = await waitFor('the oldest worker to have an activity in flight', () => {
        const found = activitiesInFlight(victim);
        return found.length > 0 && found;
      }, { timeoutMs: 30_000, intervalMs: 50 });
      victim.child.kill('SIGTERM');
      stopped.push({ worker: victim, inFlight });
      // The replacement starts while the old worker drains, as in a rolling deploy.
      running = [survivor, await start()];
    }
    rolling = false;
    await sending;

    // Every message answered exactly once, in order.
    for (const chatId of chats) {
      const count = sent.get(chatId)!;
      const rows = await waitFor(`every message of ${chatId} answered`, async () => {
        const all = await chatMessages(stack, chatId);
        const answered = all.filter((r) => r.direction === 'outbound').flatMap((r) => r.text.match(/message \d+/g) ?? []);
        return answered.length >= count && all;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      const answered = rows.filter((r) => r.direction === 'outbound').flatMap((r) => r.text.match(/message \d+/g) ?? []);
      expect(answered).toEqual(Array.from({ length: count }, (_, i) => `message ${i + 1}`));
      expect(rows.filter((r) => r.direction === 'inbound').map((r) => r.text)).toEqual(
        Array.from({ length: count }, (_, i) => `${chatId} message ${i + 1}`),
      );
    }

    for (const { worker, inFlight } of stopped) {
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      const lines = logLines(worker);
      const shutdownAt = lines.findIndex((l) => l.msg === 'Shutting down');
      expect(shutdownAt).toBeGreaterThanOrEqual(0);
      const after = lines.slice(shutdownAt);
      // What was running at SIGTERM completed in this worker, not cancelled and retried elsewhere.
      // (Its completion may be logged just before "Shutting down": the signal and the log race.)
      for (const activity of inFlight) {
        expect(lines.filter((l) => l.msg === 'Activity completed').map(attemptOf)).toContain(attemptOf(activity));
      }
      expect(after.some((l) => /Activity failed|cancel/i.test(String(l.msg)))).toBe(false);
      expect(after.at(-1)).toMatchObject({ msg: 'Stopped' });
    }

    // No activity ran twice: one model call per reply, and no attempt past the first anywhere.
    await sleep(1_000);
    const replies = (await Promise.all(chats.map((chatId) => chatMessages(stack, chatId)))).flat().filter((r) => r.direction === 'outbound');
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(replies.length);
    const retried = workers.flatMap(logLines).filter((l) => l.msg === 'Activity started' && l.attempt > 1);
    expect(retried).toEqual([]);
  }, 300_000);
});
