import { type FakeToolServer, startFakeToolServer } from '../fakes/fake-tool-server';
import { chatMessages, postApiMessage, waitForReplies } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a worker killed mid-turn', () => {
  let stack: TestStack;
  let tool: FakeToolServer;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    tool = await startFakeToolServer();
    stack = await startTestStack({ worker: false, env: { TOOLS_ALLOW_HTTP: 'true' } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await stack?.close();
    await tool?.close();
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

  it('retries only the tool call it was in: the model is not asked again, and the reply goes out once', async () => {
    const created = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/tools`, {
      body: { name: 'stock', description: 'Items in stock', parameters: { type: 'object', properties: { sku: { type: 'string' } } }, url: tool.url },
    });
    expect(created.status).toBe(201);
    tool.setSecret(created.body.data.secret);
    // The first call hangs past the kill; the retry is answered at once.
    tool.enqueue({ status: 200, body: { stock: 1 }, delayMs: 30_000 }, { status: 200, body: { stock: 7 } });
    stack.fakeOpenAI.reset();
    stack.fakeOpenAI.enqueue({ kind: 'tool-calls', calls: [{ name: 'stock', arguments: { sku: 'A-1' } }] }, { kind: 'reply', text: 'Seven in stock.' });

    const alive = workers.at(-1)!;
    expect((await postApiMessage(stack, 'tool-crash', 'm1', 'is A-1 in stock?')).status).toBe(202);
    await waitFor('the tool to be called', () => tool.calls.length === 1);
    await alive.kill('SIGKILL');

    workers.push(await startWorkerProcess(stack));
    await waitForReplies(stack, 'tool-crash', 1, 45_000);
    await sleep(1_000);
    expect((await chatMessages(stack, 'tool-crash')).map((r) => [r.direction, r.text])).toEqual([
      ['inbound', 'is A-1 in stock?'],
      ['outbound', 'Seven in stock.'],
    ]);
    // The tool was called again, with the same idempotency key; the model was asked once for the tool and once for the reply.
    expect(tool.calls).toHaveLength(2);
    expect(tool.calls[1]!.idempotencyKey).toBe(tool.calls[0]!.idempotencyKey);
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(2);
    expect(stack.fakeOpenAI.chatCalls()[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"stock":7}' });
  });
});
