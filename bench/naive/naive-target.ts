import { spawnTsChild } from '../support/child-process';
import type { ReplyTarget } from '../support/end-to-end-load';
import type { ReplyWatch } from '../support/reply-watch';
import { postTelegramWebhook, TELEGRAM } from '../support/telegram-traffic';

/** The naive handler as a benchmark target, on the same fakes as the product. */
export async function startNaiveHandler(args: { openaiBaseUrl: string; telegramBaseUrl: string; replies: ReplyWatch }): Promise<ReplyTarget & { pid: number; close(): Promise<void> }> {
  const child = spawnTsChild('naive handler', 'bench/naive/naive-handler.ts', {
    OPENAI_BASE_URL: args.openaiBaseUrl,
    TELEGRAM_API_BASE_URL: args.telegramBaseUrl,
    TELEGRAM_BOT_TOKEN: TELEGRAM.botToken,
    TELEGRAM_SECRET_TOKEN: TELEGRAM.secretToken,
  });
  const { port } = await child.nextMessage<{ port: number }>((message) => message?.type === 'ready');
  const url = `http://127.0.0.1:${port}/webhooks/telegram`;
  return {
    name: 'naive',
    minGapMs: 0,
    replies: args.replies,
    pid: child.pid,
    send: (chatId, token) => postTelegramWebhook(url, chatId, token),
    close: () => child.stop(),
  };
}
