import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';
import { apiConversationHandle, postApiMessage } from '../support/conversation-probes';
import { requestJson } from '../support/http';
import { type FakeToolServer, startFakeToolServer } from '../fakes/fake-tool-server';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const WEATHER = {
  name: 'weather',
  description: 'The weather now in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  timeoutMs: 5_000,
};

describe('tools as durable activities', () => {
  let stack: TestStack;
  let tool: FakeToolServer;
  const tools = (path = '') => `/v1/bots/${stack.botId}/tools${path}`;

  beforeAll(async () => {
    tool = await startFakeToolServer();
    // The fake tool server is plain HTTP on localhost: a development setting allows it.
    stack = await startTestStack({ env: { TOOLS_ALLOW_HTTP: 'true' } });
    const created = await requestJson(stack.baseUrl, tools(), { body: { ...WEATHER, url: tool.url } });
    expect(created.status).toBe(201);
    expect(created.body.data.secret).toMatch(/^tlsec_/);
    tool.setSecret(created.body.data.secret);
  });
  afterAll(async () => {
    await stack?.close();
    await tool?.close();
  });
  beforeEach(() => {
    stack.fakeOpenAI.reset();
    tool.calls.length = 0;
  });

  /** The model's messages on its last call. */
  const lastPrompt = () => stack.fakeOpenAI.chatCalls().at(-1)!.body.messages as Array<{ role: string; content: string | null; tool_call_id?: string }>;

  it('calls the tool twice as the model asks, each call its own signed activity, and answers with the results', async () => {
    stack.fakeOpenAI.enqueue(
      { kind: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Lisbon' } }] },
      { kind: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Porto' } }] },
      { kind: 'reply', text: 'Lisbon and Porto are both sunny.' },
    );
    const res = await postApiMessage(stack, 'weather', 'm1', 'What is the weather in Lisbon and Porto?', true);
    expect(res.body.reply).toEqual({ status: 'replied', text: 'Lisbon and Porto are both sunny.', kind: 'reply' });

    // The team's endpoint got both calls, signed with the tool's secret, each with its own idempotency key.
    expect(tool.calls.map((call) => call.body.arguments)).toEqual([{ city: 'Lisbon' }, { city: 'Porto' }]);
    expect(tool.calls.every((call) => call.signatureValid)).toBe(true);
    expect(new Set(tool.calls.map((call) => call.idempotencyKey)).size).toBe(2);

    // The model was offered the tool, and read both results before it answered.
    expect(stack.fakeOpenAI.chatCalls()[0]!.body.tools[0].function).toMatchObject({ name: 'weather', parameters: WEATHER.parameters });
    const results = lastPrompt().filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content!));
    expect(results).toEqual([{ tool: 'weather', arguments: { city: 'Lisbon' } }, { tool: 'weather', arguments: { city: 'Porto' } }]);

    // In the history, each call is a callTool activity shown by the tool's name.
    const history = await apiConversationHandle(stack, 'weather').fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callTool');
    expect(scheduled).toHaveLength(2);
    expect(await Promise.all(scheduled.map((event) => summaryOf(stack, event)))).toEqual(['tool weather', 'tool weather']);

    // The turn's usage lists the model calls that asked for the tools.
    const conversation = await waitFor('the conversation', () => stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', 'weather').executeTakeFirst());
    const messages = (await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`)).body.data;
    expect(messages.at(-1).usage.steps.map((s: { step: string }) => s.step)).toEqual(['understand', 'tool', 'tool', 'reply']);
  });

  it('sends the files a tool offers with the model\'s answer, and stores them on the reply', async () => {
    tool.enqueue({ status: 200, body: { forecast: 'sunny', attachments: [{ kind: 'image', url: 'https://maps.example.com/lisbon.png', name: 'Lisbon map' }, { kind: 'image', url: 'http://insecure.example.com/x.png' }] } });
    stack.fakeOpenAI.enqueue({ kind: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Lisbon' } }] }, { kind: 'reply', text: 'Sunny. Here is the map.' });
    const res = await postApiMessage(stack, 'weather-map', 'm1', 'Weather and a map of Lisbon?', true);
    expect(res.body.reply).toEqual({ status: 'replied', text: 'Sunny. Here is the map.', kind: 'reply' });

    const conversation = await waitFor('the conversation', () => stack.db.selectFrom('conversations').selectAll().where('chat_id', '=', 'weather-map').executeTakeFirst());
    const messages = (await requestJson(stack.baseUrl, `/v1/conversations/${conversation.id}/messages`)).body.data;
    // Only the HTTPS file is kept: a platform could not be asked to fetch the other.
    expect(messages.at(-1)).toMatchObject({ text: 'Sunny. Here is the map.', attachments: [{ kind: 'image', url: 'https://maps.example.com/lisbon.png', name: 'Lisbon map' }] });
  });

  it("gives the model a tool's refusal, a failure after three tries, and arguments that do not fit as errors, and the turn is answered", async () => {
    tool.enqueue({ status: 404, body: { error: 'no such city' } }, { status: 500, body: {} }, { status: 500, body: {} }, { status: 500, body: {} });
    stack.fakeOpenAI.enqueue(
      { kind: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Atlantis' } }] },
      { kind: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Faro' } }] },
      { kind: 'tool-calls', calls: [{ name: 'weather', arguments: { town: 'Faro' } }, { name: 'horoscope', arguments: {} }] },
      { kind: 'reply', text: 'I could not get the weather.' },
    );
    const res = await postApiMessage(stack, 'errors', 'm1', 'Weather in Atlantis?', true);
    expect(res.body.reply).toMatchObject({ status: 'replied', text: 'I could not get the weather.' });

    // The 404 once, the 500 three times (Temporal's retries of that one call, with one key); nothing for the bad arguments.
    expect(tool.calls.map((call) => call.body.arguments.city)).toEqual(['Atlantis', 'Faro', 'Faro', 'Faro']);
    expect(new Set(tool.calls.slice(1).map((call) => call.idempotencyKey)).size).toBe(1);
    // The model was asked once per round: a retried tool call asks it nothing again.
    expect(stack.fakeOpenAI.chatCalls()).toHaveLength(4);
    const errors = lastPrompt().filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content!).error);
    expect(errors).toEqual([
      expect.stringContaining('404'),
      expect.stringContaining('500'),
      expect.stringContaining('do not match the parameters'),
      'there is no tool named "horoscope"',
    ]);
  });

  it("stops offering tools after the bot's maxToolSteps rounds", async () => {
    expect((await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { maxToolSteps: 1 } })).status).toBe(200);
    try {
      stack.fakeOpenAI.enqueue({ kind: 'tool-calls', calls: [{ name: 'weather', arguments: { city: 'Braga' } }] }, { kind: 'reply', text: 'Braga is rainy.' });
      const res = await postApiMessage(stack, 'one-round', 'm1', 'Weather in Braga?', true);
      expect(res.body.reply).toMatchObject({ text: 'Braga is rainy.' });
      const [first, second] = stack.fakeOpenAI.chatCalls();
      expect(first!.body.tools).toHaveLength(1);
      expect(second!.body.tools).toBeUndefined();
    } finally {
      await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}`, { method: 'PATCH', body: { maxToolSteps: 4 } });
    }
  });

  it('lists tools without their secrets, and refuses tools that cannot be right, changing nothing', async () => {
    const listed = await requestJson(stack.baseUrl, tools());
    expect(listed.body.data).toEqual([{ ...WEATHER, url: tool.url, createdAt: expect.any(String) }]);
    expect(JSON.stringify(listed.body)).not.toContain('tlsec_');

    const bad: Array<[unknown, number]> = [
      [{ ...WEATHER, url: tool.url }, 409],
      [{ ...WEATHER, name: 'has spaces', url: tool.url }, 400],
      [{ ...WEATHER, name: 'broken', parameters: { type: 'object', properties: { city: { type: 'nonsense' } } }, url: tool.url }, 400],
      [{ ...WEATHER, name: 'not_an_object', parameters: { type: 'string' }, url: tool.url }, 400],
      [{ ...WEATHER, name: 'ftp', url: 'ftp://example.com/tool' }, 400],
      [{ ...WEATHER, name: 'slow', url: tool.url, timeoutMs: 120_000 }, 400],
    ];
    for (const [body, status] of bad) expect((await requestJson(stack.baseUrl, tools(), { body })).status).toBe(status);
    expect((await requestJson(stack.baseUrl, tools())).body.data).toHaveLength(1);
    expect((await requestJson(stack.baseUrl, `/v1/bots/no-such-bot/tools`)).status).toBe(404);
    expect((await requestJson(stack.baseUrl, tools('/nothing'), { method: 'DELETE' })).status).toBe(404);
  });
});

/** An activity's summary as the Web UI shows it: encrypted like every payload, decoded with the stack's key. */
async function summaryOf(stack: TestStack, event: temporal.api.history.v1.IHistoryEvent): Promise<string> {
  const summary = event.userMetadata?.summary;
  if (!summary) return '';
  const [decoded] = await new AesGcmPayloadCodec(stack.config.temporal.payloadKey!).decode([summary as Payload]);
  return JSON.parse(Buffer.from(decoded!.data!).toString('utf8'));
}
