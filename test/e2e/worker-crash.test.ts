import { chatMessages, postApiMessage, waitForReplies } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a worker killed mid-turn', () => {
  let stack: TestStack;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await stack?.close();
  });

  it('loses nothing: a new worker answers the accepted message exactly once', async () => {
    workers.push(await startWorkerProcess(stack));
    // The model is slow, so the kill lands after the message is accepted and before the reply is sent.
    stack.fakeOpenAI.enqueue({ kind: 'reply', delayMs: 10_000 });
    expect((await postApiMessage(stack, 'crash', 'm1', 'survive this')).status).toBe(202);
    await waitFor('the model to be asked', () => stack.fakeOpenAI.chatCalls().length === 1);

    await workers[0]!.kill('SIGKILL');
    expect(await chatMessages(stack, 'crash')).toEqual([
      expect.objectContaining({ direction: 'inbound', text: 'survive this' }),
    ]);

    workers.push(await startWorkerProcess(stack));
    const rows = await waitForReplies(stack, 'crash', 1, 45_000);
    await sleep(2_000);
    expect((await chatMessages(stack, 'crash')).map((r) => [r.direction, r.text])).toEqual([
      ['inbound', 'survive this'],
      ['outbound', 'echo: survive this'],
    ]);
    expect(rows[1]!.kind).toBe('reply');
    // The killed worker's model call was repeated by the new worker; only one reply was produced.
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(2);
  });
});
