import type { ReactionTypeEmoji, Update } from '@grammyjs/types';
import { type FakePlatformApi, type RecordedRequest, type ScriptedAnswer, startFakePlatformApi } from './fake-platform-api';

/** One message the fake Bot API accepted through sendMessage. */
export interface TelegramSend {
  chatId: string;
  text: string;
  messageThreadId?: number;
  /** Date.now() on arrival. */
  at: number;
  request: RecordedRequest;
}

/** One sendChatAction call, whatever it was answered. */
export interface TelegramChatAction {
  chatId: string;
  action: string;
  messageThreadId?: number;
  at: number;
  status?: number;
}

/** The webhook the fake Bot API holds, as setWebhook left it. */
export interface TelegramWebhook {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
}

export interface FakeTelegram extends FakePlatformApi {
  /** The webhook as setWebhook last set it; the url is '' when none is set. */
  webhook(): TelegramWebhook;
  /**
   * Plays a failed delivery to the webhook: getWebhookInfo reports it as `last_error_message` and
   * `last_error_date`, with `pendingUpdates` waiting, as Telegram does until a delivery succeeds.
   */
  failWebhookDeliveries(message: string, pendingUpdates: number): void;
  /** The sendChatAction calls, in order of arrival; for one chat when `chatId` is given. */
  chatActions(chatId?: string): TelegramChatAction[];
  /** Answers every sendChatAction with `answer` from now on (a 500, say); undefined answers them as the Bot API does. */
  answerChatActions(answer: ScriptedAnswer | undefined): void;
  /** The sendMessage calls it accepted (200), in order of arrival; for one chat when `chatId` is given. */
  sends(chatId?: string): TelegramSend[];
  /** Every sendMessage call, whatever it was answered, for one chat when `chatId` is given. */
  sendAttempts(chatId?: string): RecordedRequest[];
  /**
   * Answers a fraction 0..1 of the calls with 429 and `parameters.retry_after` (1 to
   * `maxRetryAfterSeconds`, default 2), as the Bot API does under flood control. 0 turns it off.
   */
  setRateLimitRate(rate: number, options?: { maxRetryAfterSeconds?: number; seed?: number }): void;
  /**
   * A file people sent, for getFile and the file server (`/file/bot{token}/{file_path}`).
   * `size` is what getFile reports (default: the bytes' length); over 20 MB it answers "file is too big".
   */
  addFile(fileId: string, file: { bytes: Buffer; size?: number }): void;
  /** The callback query ids answered (answerCallbackQuery), in order. */
  answeredCallbacks(): string[];
  /** The getFile calls, in order. */
  getFileCalls(): RecordedRequest[];
  /** The sendPhoto and sendDocument calls, whatever they were answered. */
  fileSends(): RecordedRequest[];
}

export interface FakeTelegramOptions {
  botToken: string;
  /** Starts with `setRateLimitRate(rate)` on. Default 0. */
  rateLimitRate?: number;
}

/** Error answers as the Bot API gives them: the HTTP status repeats `error_code`. */
export const telegramAnswers = {
  tooManyRequests: (retryAfterSeconds: number): ScriptedAnswer =>
    apiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds }),
  blockedByUser: () => apiError(403, 'Forbidden: bot was blocked by the user'),
  userDeactivated: () => apiError(403, 'Forbidden: user is deactivated'),
  kickedFromGroup: () => apiError(403, 'Forbidden: bot was kicked from the group chat'),
  chatNotFound: () => apiError(400, 'Bad Request: chat not found'),
  unauthorized: () => apiError(401, 'Unauthorized'),
  /** What the Bot API answers when the token in the path names no bot at all. */
  notFound: () => apiError(404, 'Not Found'),
  migratedToSupergroup: (newChatId: number) =>
    apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: newChatId }),
  serverError: (): ScriptedAnswer => apiError(500, 'Internal Server Error'),
  /** A 502 from a proxy in front of the API: not JSON at all. */
  badGateway: (): ScriptedAnswer => ({ status: 502, headers: { 'content-type': 'text/html' }, json: undefined }),
};

function apiError(status: number, description: string, parameters?: Record<string, number>): ScriptedAnswer {
  return { status, json: { ok: false, error_code: status, description, ...(parameters && { parameters }) } };
}

const SEND_PATH = /^\/bot([^/]+)\/sendMessage$/i;
const METHOD_PATH = /^\/bot([^/]+)\/([A-Za-z]+)$/;
const WEBHOOK_PORTS = new Set(['443', '80', '88', '8443']);
const GET_FILE_PATH = /^\/bot([^/]+)\/getFile$/i;
const SEND_FILE_PATH = /^\/bot([^/]+)\/(sendPhoto|sendDocument)$/i;
/** The Bot API serves files of at most 20 MB to bots. */
const BOT_API_FILE_LIMIT = 20 * 1024 * 1024;
const CHAT_ACTION_PATH = /^\/bot([^/]+)\/sendChatAction$/i;
/** The actions the Bot API accepts. */
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);

/**
 * A stand-in for api.telegram.org: `POST /bot{token}/sendMessage` with a JSON body, checked the
 * way the Bot API checks it (the token, a chat id, 1-4096 characters of text), answered with the
 * sent Message. Scripted answers (`telegramAnswers`) play 429s, 5xx and permanent errors on
 * sendMessage; `sendChatAction` (typing) is answered apart, by `answerChatActions` when set.
 */
export async function startFakeTelegram({ botToken, rateLimitRate = 0 }: FakeTelegramOptions): Promise<FakeTelegram> {
  let nextMessageId = 1;
  let webhook: TelegramWebhook = { url: '' };
  let deliveryError: { message: string; date: number; pending: number } | undefined;

  /** setWebhook as the Bot API checks it: an HTTPS URL on one of four ports, a secret of allowed characters. */
  const setWebhook = (body: { url?: unknown; secret_token?: unknown; allowed_updates?: unknown } | undefined): ScriptedAnswer => {
    const url = typeof body?.url === 'string' ? body.url : '';
    if (url === '') {
      webhook = { url: '' };
      return { status: 200, json: { ok: true, result: true, description: 'Webhook was deleted' } };
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return apiError(400, 'Bad Request: bad webhook: Failed to resolve host: Name or service not known');
    }
    if (parsed.protocol !== 'https:') return apiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    if (!WEBHOOK_PORTS.has(parsed.port || '443')) return apiError(400, 'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    const secret = body?.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
      return apiError(400, 'Bad Request: secret token contains unallowed characters');
    }
    const allowed = body?.allowed_updates;
    if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((kind) => typeof kind === 'string'))) {
      return apiError(400, "Bad Request: can't parse allowed updates JSON object");
    }
    const same = webhook.url === url;
    webhook = { url, ...(typeof secret === 'string' && { secretToken: secret }), ...(allowed !== undefined && { allowedUpdates: allowed as string[] }) };
    if (!same) deliveryError = undefined;
    return { status: 200, json: { ok: true, result: true, description: same ? 'Webhook is already set' : 'Webhook was set' } };
  };

  const getWebhookInfo = (): ScriptedAnswer => ({
    status: 200,
    json: {
      ok: true,
      result: {
        url: webhook.url,
        has_custom_certificate: false,
        pending_update_count: deliveryError?.pending ?? 0,
        ...(webhook.url !== '' && { max_connections: 40, ip_address: '149.154.167.220' }),
        ...(deliveryError && { last_error_date: deliveryError.date, last_error_message: deliveryError.message }),
        ...(webhook.allowedUpdates && { allowed_updates: webhook.allowedUpdates }),
      },
    },
  });

  const files = new Map<string, { path: string; size: number }>();
  let chatActionAnswer: ScriptedAnswer | undefined;
  const answerChatAction = (request: RecordedRequest): ScriptedAnswer | undefined => {
    const match = CHAT_ACTION_PATH.exec(request.path);
    if (request.method !== 'POST' || !match) return undefined;
    if (chatActionAnswer) return chatActionAnswer;
    if (match[1] !== botToken) return telegramAnswers.unauthorized();
    if (request.body?.chat_id === undefined || request.body.chat_id === '') return apiError(400, 'Bad Request: chat_id is empty');
    if (!CHAT_ACTIONS.has(request.body?.action)) return apiError(400, 'Bad Request: wrong parameter action in request');
    return { status: 200, json: { ok: true, result: true } };
  };
  const api = await startFakePlatformApi((request) => {
    const method = METHOD_PATH.exec(request.path);
    if (method?.[2] === 'setWebhook') return method[1] === botToken ? setWebhook(request.body) : telegramAnswers.unauthorized();
    if (method?.[2] === 'getMe') {
      if (method[1] !== botToken) return telegramAnswers.unauthorized();
      return { status: 200, json: { ok: true, result: { id: Number(botToken.split(':')[0]), is_bot: true, first_name: 'Fake bot', username: 'fake_test_bot' } } };
    }
    if (method?.[2] === 'answerCallbackQuery') {
      if (method[1] !== botToken) return telegramAnswers.unauthorized();
      return typeof request.body?.callback_query_id === 'string' ? { status: 200, json: { ok: true, result: true } } : apiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
    }
    if (method?.[2] === 'getWebhookInfo') return method[1] === botToken ? getWebhookInfo() : telegramAnswers.unauthorized();
    const fileMatch = GET_FILE_PATH.exec(request.path);
    if (fileMatch) {
      if (fileMatch[1] !== botToken) return telegramAnswers.unauthorized();
      const fileId = String((request.body as { file_id?: unknown } | undefined)?.file_id ?? '');
      const file = files.get(fileId);
      if (!file) return apiError(400, 'Bad Request: invalid file_id');
      if (file.size > BOT_API_FILE_LIMIT) return apiError(400, 'Bad Request: file is too big');
      return { status: 200, json: { ok: true, result: { file_id: fileId, file_unique_id: `u${fileId}`, file_size: file.size, file_path: file.path } } };
    }
    const fileSend = SEND_FILE_PATH.exec(request.path);
    if (fileSend && request.method === 'POST') {
      if (fileSend[1] !== botToken) return telegramAnswers.unauthorized();
      const url = String(request.body?.photo ?? request.body?.document ?? '');
      // Telegram fetches the URL itself; one it cannot fetch is refused this way.
      if (!/^https:\/\//.test(url) || url.includes('unreachable')) return apiError(400, 'Bad Request: wrong file identifier/HTTP URL specified');
      return { status: 200, json: { ok: true, result: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(request.body.chat_id), type: 'private' } } } };
    }
    const match = SEND_PATH.exec(request.path);
    if (request.method !== 'POST' || !match) return apiError(404, 'Not Found');
    if (match[1] !== botToken) return telegramAnswers.unauthorized();
    const body = request.body as { chat_id?: unknown; text?: unknown; parse_mode?: unknown } | undefined;
    if (body?.chat_id === undefined || body.chat_id === '') return apiError(400, 'Bad Request: chat_id is empty');
    if (typeof body.text !== 'string' || body.text.trim() === '') return apiError(400, 'Bad Request: message text is empty');
    // With parse_mode HTML the Bot API reads the tags, and counts the text without them.
    const htmlProblem = body.parse_mode === 'HTML' ? telegramHtmlProblem(body.text) : undefined;
    if (htmlProblem) return apiError(400, `Bad Request: can't parse entities: ${htmlProblem}`);
    const visible = body.parse_mode === 'HTML' ? unescapeHtml(body.text.replace(/<[^>]*>/g, '')) : body.text;
    if ([...visible].length > 4096) return apiError(400, 'Bad Request: message is too long');
    const chatId = Number(body.chat_id);
    return {
      status: 200,
      json: {
        ok: true,
        result: {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: chatId < 0 ? 'supergroup' : 'private' },
          from: { id: Number(botToken.split(':')[0]), is_bot: true, first_name: 'Fake bot' },
          text: body.text,
        },
      },
    };
  }, { aside: answerChatAction });

  const attempts = (chatId?: string) =>
    api.requests.filter((r) => SEND_PATH.test(r.path) && (chatId === undefined || String(r.body?.chat_id) === chatId));

  const setRateLimitRate: FakeTelegram['setRateLimitRate'] = (rate, { maxRetryAfterSeconds = 2, seed } = {}) => {
    let next = 0;
    // Cycles through 1..max seconds, so the waits vary but the run stays repeatable.
    api.setFailureRate(rate, () => telegramAnswers.tooManyRequests((next++ % maxRetryAfterSeconds) + 1), seed);
  };
  setRateLimitRate(rateLimitRate);

  return {
    ...api,
    chatActions: (chatId) =>
      api.requests
        .filter((r) => CHAT_ACTION_PATH.test(r.path) && (chatId === undefined || String(r.body?.chat_id) === chatId))
        .map((r) => ({
          chatId: String(r.body.chat_id),
          action: r.body.action,
          ...(r.body.message_thread_id !== undefined && { messageThreadId: r.body.message_thread_id }),
          at: r.at,
          status: r.status,
        })),
    answerChatActions: (answer) => {
      chatActionAnswer = answer;
    },
    setRateLimitRate,
    webhook: () => webhook,
    failWebhookDeliveries: (message, pending) => {
      deliveryError = { message, date: Math.floor(Date.now() / 1000), pending };
    },
    addFile: (fileId, { bytes, size }) => {
      const path = `documents/file_${files.size + 1}`;
      files.set(fileId, { path, size: size ?? bytes.length });
      // Telegram's file server sends every file as a plain download.
      api.serveFile(`/file/bot${botToken}/${path}`, { bytes, contentType: 'application/octet-stream' });
    },
    getFileCalls: () => api.requests.filter((r) => GET_FILE_PATH.test(r.path)),
    answeredCallbacks: () => api.requests.filter((r) => r.path.endsWith('/answerCallbackQuery') && r.status === 200).map((r) => r.body.callback_query_id),
    fileSends: () => api.requests.filter((r) => SEND_FILE_PATH.test(r.path)),
    sendAttempts: attempts,
    sends: (chatId) =>
      attempts(chatId)
        .filter((r) => r.status === 200)
        .map((r) => ({
          chatId: String(r.body.chat_id),
          text: r.body.text,
          ...(r.body.message_thread_id !== undefined && { messageThreadId: r.body.message_thread_id }),
          at: r.at,
          request: r,
        })),
    reset: () => {
      api.reset();
      webhook = { url: '' };
      deliveryError = undefined;
      files.clear();
      nextMessageId = 1;
      chatActionAnswer = undefined;
    },
  };
}

/** The tags Telegram's HTML parse mode takes. */
const TELEGRAM_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'code', 'pre', 'a', 'span', 'tg-spoiler', 'blockquote']);

/** What Telegram would say of the HTML, as its parser does: unsupported tags, unclosed or crossed tags, a bare `<` or `&`. */
function telegramHtmlProblem(html: string): string | undefined {
  const open: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-z-]*)([^>]*)>|<|&(?!(lt|gt|amp|quot|#\d+);)/gi)) {
    if (match[0] === '<') return `unsupported start tag at byte offset ${match.index}`;
    if (match[0].startsWith('&')) return `character entity expected at byte offset ${match.index}`;
    const [, closing, tag] = match;
    if (!TELEGRAM_TAGS.has(tag!.toLowerCase())) return `unsupported start tag "${tag}" at byte offset ${match.index}`;
    if (!closing) open.push(tag!.toLowerCase());
    else if (open.pop() !== tag!.toLowerCase()) return `can't find end tag corresponding to start tag at byte offset ${match.index}`;
  }
  return open.length > 0 ? `can't find end tag corresponding to start tag "${open.at(-1)}"` : undefined;
}

function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** The person and private chat of Telegram's webhook guide examples, for updates built here. */
function privateChatOf(id: number) {
  return { id, type: 'private' as const, first_name: 'Test Firstname', last_name: 'Test Lastname', username: 'Testusername' };
}
function personOf(id: number) {
  return { id, is_bot: false as const, first_name: 'Test Firstname', last_name: 'Test Lastname', username: 'Testusername' };
}

/** An `edited_message` update: a person's message in their private chat, as it reads after the edit. */
export function telegramEditedMessage(args: { updateId: number; chatId: number; messageId: number; text: string }): Update {
  const date = Math.floor(Date.now() / 1000);
  return {
    update_id: args.updateId,
    edited_message: { message_id: args.messageId, date: date - 60, edit_date: date, chat: privateChatOf(args.chatId), from: personOf(args.chatId), text: args.text },
  } as Update;
}

/** A `message_reaction` update: the emoji the person had on the message, and those they have now. */
export function telegramReaction(args: { updateId: number; chatId: number; messageId: number; before: string[]; after: string[] }): Update {
  const emoji = (list: string[]) => list.map((e) => ({ type: 'emoji' as const, emoji: e })) as ReactionTypeEmoji[];
  return {
    update_id: args.updateId,
    message_reaction: {
      chat: privateChatOf(args.chatId),
      message_id: args.messageId,
      user: personOf(args.chatId),
      date: Math.floor(Date.now() / 1000),
      old_reaction: emoji(args.before),
      new_reaction: emoji(args.after),
    },
  };
}
