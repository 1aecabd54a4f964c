import { type FakeTelegram, startFakeTelegram } from '../fakes/fake-telegram';
import { startTestStack, type TestStack, type TestStackOptions } from './test-stack';

/** A test stack whose bot is on Telegram, answered by a fake Telegram Bot API. */
export interface TelegramTestStack {
  stack: TestStack;
  fake: FakeTelegram;
  close(): Promise<void>;
}

export async function startTelegramTestStack(args: {
  botToken: string;
  secretToken: string;
  options?: Omit<TestStackOptions, 'env'>;
}): Promise<TelegramTestStack> {
  const fake = await startFakeTelegram({ botToken: args.botToken });
  try {
    const stack = await startTestStack({
      ...args.options,
      env: { TELEGRAM_BOT_TOKEN: args.botToken, TELEGRAM_SECRET_TOKEN: args.secretToken, TELEGRAM_API_BASE_URL: fake.baseUrl },
    });
    return {
      stack,
      fake,
      async close() {
        await stack.close();
        await fake.close();
      },
    };
  } catch (error) {
    await fake.close();
    throw error;
  }
}
