import { BENCH_ADMIN_KEY, BENCH_BOT_ID } from './bench-stack';

/**
 * One message on the product's API channel with `?wait=true`: answered when the reply is ready.
 * Resolves with the round trip in ms; throws unless answered 200.
 */
export async function postApiMessageAndWait(baseUrl: string, args: { chatId: string; messageId: string; text: string }): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/bots/${BENCH_BOT_ID}/messages?wait=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ chatId: args.chatId, userId: `${args.chatId}-user`, messageId: args.messageId, text: args.text }),
  });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`message ${args.messageId} answered ${response.status}: ${body.slice(0, 200)}`);
  return ms;
}
