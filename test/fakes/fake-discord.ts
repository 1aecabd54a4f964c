import { type FakePlatformApi, type RecordedRequest, type ScriptedAnswer, startFakePlatformApi } from './fake-platform-api';

/**
 * Discord's REST API as the adapter uses it: editing an interaction's original response, posting
 * follow-ups, and posting channel messages with a bot token and an enforced nonce (a repeated
 * nonce returns the message it first created, as Discord does).
 */
export interface FakeDiscord extends FakePlatformApi {
  /** The requests that carried message text (edits, follow-ups, channel posts), in arrival order. */
  messageRequests(): RecordedRequest[];
  /** Trigger-typing calls (`POST /channels/{id}/typing`), in arrival order. */
  typingRequests(): RecordedRequest[];
  /** From now on, this interaction's webhook answers as Discord does after 15 minutes. */
  expireInteraction(token: string): void;
  /** Answers for the next requests whose path matches, one each, before the default behaviour. */
  enqueueFor(path: RegExp, ...answers: ScriptedAnswer[]): void;
}

export async function startFakeDiscord(options: {
  botToken: string;
  /** Who the bot is, as `GET /users/@me` answers to its token. */
  botUser?: { id: string; username: string };
  /** Where `GET /gateway/bot` sends the bot: a fake Gateway's ws:// address. */
  gatewayUrl?: string;
}): Promise<FakeDiscord> {
  let nextId = 1_100_000_000_000_000_000n;
  const byNonce = new Map<string, ScriptedAnswer>();
  const expired = new Set<string>();
  const routeScripts: Array<{ path: RegExp; answer: ScriptedAnswer }> = [];
  const message = (channelId: string, content: unknown): ScriptedAnswer => ({
    status: 200,
    json: { id: String(nextId++), type: 0, channel_id: channelId, content, timestamp: new Date().toISOString() },
  });

  const typingPath = /^(\/api\/v10)?\/channels\/[^/]+\/typing$/;
  // Trigger-typing answers 204 with no body; apart from the script, which is meant for sends.
  const answerTyping = (request: RecordedRequest): ScriptedAnswer | undefined => {
    if (request.method !== 'POST' || !typingPath.test(request.path)) return undefined;
    if (request.headers.authorization !== `Bot ${options.botToken}`) return discordError(401, 0, '401: Unauthorized');
    return { status: 204 };
  };
  const api = await startFakePlatformApi((request) => {
    const scripted = routeScripts.findIndex((s) => s.path.test(request.path));
    if (scripted >= 0) return routeScripts.splice(scripted, 1)[0]!.answer;
    const path = request.path.replace(/^\/api\/v10/, '');
    const webhook = /^\/webhooks\/[^/]+\/([^/]+)(\/messages\/@original)?$/.exec(path);
    if (webhook && (request.method === 'POST' || request.method === 'PATCH')) {
      if (expired.has(webhook[1]!)) return discordError(401, 50027, 'Invalid Webhook Token');
      return message('interaction-channel', request.body?.content);
    }
    if (path === '/gateway/bot' && request.method === 'GET' && options.gatewayUrl) {
      if (request.headers.authorization !== `Bot ${options.botToken}`) return discordError(401, 0, '401: Unauthorized');
      return {
        status: 200,
        json: { url: options.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } },
      };
    }
    if (path === '/users/@me' && request.method === 'GET') {
      if (request.headers.authorization !== `Bot ${options.botToken}`) return discordError(401, 0, '401: Unauthorized');
      const { id, username } = options.botUser ?? { id: '1100000000000000001', username: 'fake-discord-bot' };
      return {
        status: 200,
        json: { id, username, avatar: null, discriminator: '0', public_flags: 0, flags: 0, bot: true, banner: null, accent_color: null, global_name: null, mfa_enabled: false, locale: 'en-US', premium_type: 0, email: null, verified: true },
      };
    }
    const channel = /^\/channels\/([^/]+)\/messages$/.exec(path);
    if (channel && request.method === 'POST') {
      if (request.headers.authorization !== `Bot ${options.botToken}`) return discordError(401, 0, '401: Unauthorized');
      const nonce = request.body?.enforce_nonce ? String(request.body.nonce) : undefined;
      const existing = nonce === undefined ? undefined : byNonce.get(nonce);
      if (existing) return existing;
      const created = message(channel[1]!, request.body?.content);
      if (nonce !== undefined) byNonce.set(nonce, created);
      return created;
    }
    return discordError(404, 0, '404: Not Found');
  }, { aside: answerTyping });

  return {
    ...api,
    messageRequests: () => api.requests.filter((r) => typeof r.body?.content === 'string'),
    typingRequests: () => api.requests.filter((r) => typingPath.test(r.path)),
    expireInteraction: (token) => void expired.add(token),
    enqueueFor: (path, ...answers) => void routeScripts.push(...answers.map((answer) => ({ path, answer }))),
    reset() {
      api.reset();
      byNonce.clear();
      expired.clear();
      routeScripts.splice(0);
    },
  };
}

/** A Discord JSON error, e.g. `discordError(403, 50007, 'Cannot send messages to this user')`. */
export function discordError(status: number, code: number, message: string): ScriptedAnswer {
  return { status, json: { code, message } };
}

/** A 429 as Discord sends it: `retry_after` in seconds (float) and the matching headers. */
export function discordRateLimit(retryAfterSeconds: number, global = false): ScriptedAnswer {
  return {
    status: 429,
    json: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
    headers: {
      'retry-after': String(Math.ceil(retryAfterSeconds)),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': String(retryAfterSeconds),
      'x-ratelimit-scope': global ? 'global' : 'user',
      ...(global && { 'x-ratelimit-global': 'true' }),
    },
  };
}
