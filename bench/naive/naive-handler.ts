/**
 * The naive way to answer a Telegram webhook, for comparison: parse it, ask the model, send the
 * reply, then answer 200. No durability: a crash, a slow model or a 429 loses the message. Runs as
 * a benchmark child process; reads OPENAI_BASE_URL, TELEGRAM_API_BASE_URL, TELEGRAM_BOT_TOKEN and
 * TELEGRAM_SECRET_TOKEN, and tells its parent its port over IPC.
 */
import { createServer } from 'node:http';

const openaiBaseUrl = required('OPENAI_BASE_URL');
const telegramUrl = `${required('TELEGRAM_API_BASE_URL')}/bot${required('TELEGRAM_BOT_TOKEN')}/sendMessage`;
const secretToken = required('TELEGRAM_SECRET_TOKEN');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    handle(req.headers['x-telegram-bot-api-secret-token'], Buffer.concat(chunks).toString('utf8')).then(
      (status) => res.writeHead(status).end(),
      (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });
});

async function handle(secret: unknown, raw: string): Promise<number> {
  if (secret !== secretToken) return 401;
  const update = JSON.parse(raw) as { message?: { chat: { id: number }; text?: string } };
  if (!update.message?.text) return 200;
  const completion = await postJson(`${openaiBaseUrl}/chat/completions`, {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: update.message.text },
    ],
  }, { authorization: 'Bearer naive' });
  const text = completion.choices[0].message.content as string;
  await postJson(telegramUrl, { chat_id: update.message.chat.id, text });
  return 200;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the benchmark sets it when it starts this handler.`);
  return value;
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
});
process.once('SIGTERM', () => process.exit(0));
