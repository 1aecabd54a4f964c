import { startFakeOtlpCollector, type FakeOtlpCollector } from '../fakes/fake-otlp-collector';
import { requestJson } from '../support/http';
import { startTestStack, type TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** With OTEL_EXPORTER_OTLP_ENDPOINT set, one trace spans the HTTP request, the workflow and its activities. */
describe('OpenTelemetry tracing', () => {
  let collector: FakeOtlpCollector;
  let stack: TestStack;

  beforeAll(async () => {
    collector = await startFakeOtlpCollector();
    stack = await startTestStack({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_SERVICE_NAME: 'chat-orchestrator-test' },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await collector?.close();
  });

  it('follows a message from the HTTP request through the workflow to the reply activities', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const sent = await requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/messages?wait=true`, {
      body: { chatId: 'traced-chat', userId: 'u', messageId: 'traced-1', text: 'trace me' },
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(sent.body.reply).toMatchObject({ status: 'replied' });

    const names = await waitFor(
      'the reply activities in the caller\'s trace',
      () => {
        const inTrace = collector.spans.filter((s) => s.traceId === traceId).map((s) => s.name);
        return inTrace.includes('RunActivity:runTurn') && inTrace.includes('POST /v1/bots/:botId/messages') && inTrace;
      },
      { timeoutMs: 30_000 },
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /v1/bots/:botId/messages',
        'UpdateWithStartWorkflow:inboundMessageAwaitReply',
        'StartActivity:runTurn',
        'RunActivity:beginTurn',
        'RunActivity:runTurn',
      ]),
    );
    // The HTTP span continues the caller's trace, under the caller's span.
    expect(collector.spans.find((s) => s.name === 'POST /v1/bots/:botId/messages')?.parentSpanId).toBe('00f067aa0ba902b7');
    expect(new Set(collector.spans.filter((s) => s.traceId === traceId).map((s) => s.service))).toEqual(new Set(['chat-orchestrator-test']));
  });
});
