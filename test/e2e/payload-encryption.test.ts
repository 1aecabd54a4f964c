import { Connection, Client } from '@temporalio/client';
import { apiConversationHandle, postApiMessage } from '../support/conversation-probes';
import { startTestStack, type TestStack } from '../support/test-stack';
import { readTestRun } from '../support/test-run';

/** Temporal's history holds no message text in the clear; the Web UI reads it through the codec route. */
describe('payload encryption', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { TEMPORAL_CODEC_ALLOWED_ORIGINS: 'http://localhost:8233' } });
  });
  afterAll(() => stack?.close());

  const SECRET_TEXT = 'my passport number is X1234567';

  async function rawHistory() {
    // A client with no codec sees what the server stores.
    const connection = await Connection.connect({ address: readTestRun().temporalAddress });
    try {
      const client = new Client({ connection, namespace: stack.config.temporal.namespace });
      return await client.workflow.getHandle(apiConversationHandle(stack, 'secret').workflowId).fetchHistory();
    } finally {
      await connection.close();
    }
  }

  /** Every payload in a history (bytes as base64, as the history's JSON has them), with where it sits. */
  function payloadsOf(history: unknown) {
    const found: Array<{ path: string; metadata: Record<string, string>; data: string }> = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((child) => walk(child, path));
      const record = node as Record<string, unknown>;
      if (record.metadata && typeof record.data === 'string') found.push({ path, ...(record as { metadata: Record<string, string>; data: string }) });
      for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`);
    };
    walk(JSON.parse(JSON.stringify(history)), '');
    return found;
  }
  const encodingOf = (payload: { metadata: Record<string, string> }) => Buffer.from(payload.metadata.encoding!, 'base64').toString();

  it('stores the conversation in Temporal encrypted, and the product still answers', async () => {
    const res = await postApiMessage(stack, 'secret', 'm1', SECRET_TEXT, true);
    expect(res.body.reply.text).toBe(`echo: ${SECRET_TEXT}`);
    const history = await rawHistory();
    const text = Buffer.from(JSON.stringify(history)).toString();
    expect(text).not.toContain('X1234567');
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(3);
    // Search attributes and the memo stay readable (the server indexes them); they hold ids only.
    const plain = payloads.filter((payload) => encodingOf(payload) !== 'binary/encrypted').map((payload) => payload.path);
    // Markers (patches, local activity results) hold the bot's settings and versions, no message.
    expect(plain.filter((path) => !/searchAttributes|memo|markerRecorded/i.test(path))).toEqual([]);
    expect(payloads.filter((payload) => encodingOf(payload) === 'binary/encrypted').length).toBeGreaterThan(3);
  });

  it('decodes for the Temporal Web UI at /codec/<token>, from the allowed origin only', async () => {
    const sealed = payloadsOf(await rawHistory()).filter((payload) => encodingOf(payload) === 'binary/encrypted');
    const body = { payloads: sealed.map(({ metadata, data }) => ({ metadata, data })) };
    const url = `${stack.baseUrl}/codec/${stack.config.temporal.codec.uiToken}/decode`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:8233', 'x-namespace': 'default' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const decoded = (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data?: string }> };
    expect(decoded.payloads).toHaveLength(sealed.length);
    const texts = decoded.payloads.map((payload) => Buffer.from(payload.data ?? '', 'base64').toString());
    expect(texts.some((text) => text.includes('X1234567'))).toBe(true);

    const wrongToken = await fetch(`${stack.baseUrl}/codec/${'x'.repeat(32)}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(wrongToken.status).toBe(404);
    const otherOrigin = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });
});
