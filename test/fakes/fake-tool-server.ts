/**
 * A team's tool endpoint, as a small real HTTP server: it checks each call's signature as a
 * receiver should, records the calls, and answers as the test scripts it (a reply, a status).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ToolServerCall {
  body: { botId: string; conversationId: string; toolCallId: string; name: string; arguments: Record<string, unknown> };
  idempotencyKey: string | undefined;
  /** Whether `X-Tool-Signature` matched the secret the test gave, over the raw body, within five minutes. */
  signatureValid: boolean;
}

export type ToolServerAnswer = { status: number; body: unknown; delayMs?: number };

export interface FakeToolServer {
  url: string;
  calls: ToolServerCall[];
  /** The secret that signatures are checked against (from the tool's creation response). */
  setSecret(secret: string): void;
  /** Answers, one per call, in order; when none is queued, `answer(call)` decides. */
  enqueue(...answers: ToolServerAnswer[]): void;
  answer: (call: ToolServerCall) => ToolServerAnswer;
  close(): Promise<void>;
}

export async function startFakeToolServer(): Promise<FakeToolServer> {
  let secret = '';
  const queue: ToolServerAnswer[] = [];
  const calls: ToolServerCall[] = [];
  const fake: Omit<FakeToolServer, 'url' | 'close'> = {
    calls,
    setSecret: (value) => {
      secret = value;
    },
    enqueue: (...answers) => {
      queue.push(...answers);
    },
    answer: (call) => ({ status: 200, body: { tool: call.body.name, arguments: call.body.arguments } }),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const call: ToolServerCall = {
        body: JSON.parse(raw),
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        signatureValid: verify(secret, raw, req.headers['x-tool-signature'] as string | undefined),
      };
      calls.push(call);
      const { status, body, delayMs } = queue.shift() ?? fake.answer(call);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (delayMs) setTimeout(answer, delayMs).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/tool`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

function verify(secret: string, raw: string, header: string | undefined): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match || !secret) return false;
  const [, timestamp, signature] = match;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(signature!, 'hex'));
}
