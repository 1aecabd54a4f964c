/**
 * Web chat latency: from posting a message to its reply arriving over the visitor's event stream.
 * Runs against a running server (`npm start` in another terminal):
 *
 *   npm run bench:webchat -- --url http://localhost:3000 --bot default --messages 100
 *
 * Messages go one at a time, each after the previous reply, so the figure is the latency one
 * person feels, including the bot's debounce window.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    bot: { type: 'string', default: 'default' },
    messages: { type: 'string', default: '100' },
  },
});
const baseUrl = values.url!;
const botId = values.bot!;
const total = Number(values.messages);

async function main(): Promise<void> {
  const latencies: number[] = [];
  let token = '';
  let replies: Awaited<ReturnType<typeof listen>> | undefined;
  for (let i = 0; i < total; i++) {
    // A new visitor every 25 messages stays inside the per-visitor rate limit (30 a minute by default).
    if (i % 25 === 0) {
      replies?.close();
      token = (await post(`/webchat/${botId}/sessions`, {})).token as string;
      replies = await listen(token);
    }
    const before = replies!.count;
    const started = performance.now();
    await post(`/webchat/${botId}/messages`, { text: `benchmark message ${i}`, clientMessageId: `bench-${i}` }, token);
    await replies!.waitFor(before + 1);
    latencies.push(performance.now() - started);
    drawProgress(i + 1, total);
  }
  replies?.close();
  process.stderr.write('\n');

  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0);
  process.stdout.write(
    `web chat message → reply over SSE, ${total} messages, bot "${botId}" at ${baseUrl}\n` +
      `  p50 ${at(0.5)} ms   p90 ${at(0.9)} ms   p99 ${at(0.99)} ms   max ${sorted.at(-1)!.toFixed(0)} ms\n`,
  );
}

async function post(path: string, body: unknown, token?: string): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Counts bot messages on the visitor's event stream. */
async function listen(token: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/webchat/${botId}/events?token=${token}`, { signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
  const state = { count: 0, waiters: [] as Array<() => void> };
  void (async () => {
    let buffer = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        const frames = buffer.split('\n\n');
        buffer = frames.pop() ?? '';
        for (const frame of frames) {
          const data = frame.split('\n').find((line) => line.startsWith('data:'));
          if (data && JSON.parse(data.slice(5)).role === 'bot') state.count++;
        }
        state.waiters.splice(0).forEach((wake) => wake());
      }
    } catch {
      // closed
    }
  })();
  return {
    get count() {
      return state.count;
    },
    waitFor: (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply within 60 s')), 60_000);
        const check = () => {
          if (state.count >= count) {
            clearTimeout(timer);
            resolve();
          } else state.waiters.push(check);
        };
        check();
      }),
    close: () => controller.abort(),
  };
}

function drawProgress(done: number, of: number): void {
  const width = 30;
  const filled = Math.round((done / of) * width);
  process.stderr.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
