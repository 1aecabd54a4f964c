import type { ApiResponse, Opts, Update, WebhookInfo } from '@grammyjs/types';
import type { TelegramCredentials } from './telegram';
import { WebhookRegistrationFailed, type WebhookSetup } from './webhook-setup';

/**
 * The update kinds the webhook asks Telegram for: new messages, which the bot answers, and the
 * edits, button presses and reactions that the product stores or answers (a kind the adapter does
 * not read yet is answered 200 and ignored). `message_reaction` is never sent unless asked for, so
 * leaving a kind out here silently loses it until the webhook is registered again.
 */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'message_reaction'] as const satisfies ReadonlyArray<
  Exclude<keyof Update, 'update_id'>
>;

/** A hung Bot API answers an admin with a clear error well before a proxy's timeout. */
const CALL_TIMEOUT_MS = 15_000;

/**
 * Registers the bot's webhook with `setWebhook` (the channel's secret comes back on every update
 * in `X-Telegram-Bot-Api-Secret-Token`), then reads it back with `getWebhookInfo`, so the admin
 * sees what Telegram itself reports. A refusal throws `WebhookRegistrationFailed` with Telegram's
 * description; Telegram keeps the previous webhook then.
 */
export async function registerTelegramWebhook(args: { webhookUrl: string; credentials: TelegramCredentials; baseUrl: string }): Promise<WebhookSetup> {
  const { webhookUrl, credentials, baseUrl } = args;
  const body: Opts<never>['setWebhook'] = {
    url: webhookUrl,
    secret_token: credentials.secretToken,
    allowed_updates: TELEGRAM_ALLOWED_UPDATES,
  };
  await callBotApi<true>({ baseUrl, botToken: credentials.botToken, method: 'setWebhook', body });
  let info: WebhookInfo;
  try {
    info = await callBotApi<WebhookInfo>({ baseUrl, botToken: credentials.botToken, method: 'getWebhookInfo' });
  } catch (error) {
    const failure = error as WebhookRegistrationFailed;
    throw new WebhookRegistrationFailed(`Telegram accepted the webhook, but reading it back failed: ${failure.message}`, failure.platformDescription);
  }
  return {
    kind: 'registered',
    report: {
      url: info.url ?? '',
      pendingUpdateCount: info.pending_update_count,
      // Telegram omits the list when it delivers its default kinds (all but reactions and member updates).
      allowedUpdates: info.allowed_updates ? [...info.allowed_updates] : [],
      ...(info.last_error_message ? { lastErrorMessage: info.last_error_message } : {}),
      ...(info.last_error_date ? { lastErrorAt: new Date(info.last_error_date * 1000).toISOString() } : {}),
    },
  };
}

async function callBotApi<T>(args: { baseUrl: string; botToken: string; method: 'setWebhook' | 'getWebhookInfo'; body?: unknown }): Promise<T> {
  const { baseUrl, botToken, method, body } = args;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/bot${botToken}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (error) {
    throw new WebhookRegistrationFailed(`Telegram could not be reached for ${method} (${(error as Error).message}). Registering again is safe: try again shortly.`);
  }
  let answer: ApiResponse<T> | undefined;
  try {
    answer = (await response.json()) as ApiResponse<T>;
  } catch {
    answer = undefined; // a proxy's HTML error page: the status says enough
  }
  if (answer?.ok) return answer.result;
  const description = answer?.description ?? `HTTP ${response.status}`;
  throw new WebhookRegistrationFailed(`Telegram refused ${method}: ${description}. ${nextStepFor(response.status, description)}`, description);
}

/** What the admin can do about Telegram's answer. */
function nextStepFor(status: number, description: string): string {
  // Telegram answers 401 to a revoked token and 404 to one that names no bot.
  if (status === 401 || status === 404) {
    return 'The stored bot token is not valid: get the current one from @BotFather (/token), store it with PUT /v1/bots/{botId}/channels/telegram, and register again.';
  }
  if (/bad webhook/i.test(description)) {
    return 'Telegram delivers only to a public HTTPS address on port 443, 80, 88 or 8443 with a valid certificate: fix PUBLIC_URL, restart, and register again.';
  }
  if (status === 429) return 'Telegram asks to slow down: wait a minute and register again.';
  if (status >= 500) return 'Telegram has a problem of its own: try again shortly.';
  return 'The webhook was not changed.';
}
