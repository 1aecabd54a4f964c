import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';
import type { WebhookReply, WebhookRequest } from './messaging-platform';
import { consoleSetup, type WebhookSetup } from './webhook-setup';

/**
 * What Messenger and WhatsApp share: both are Meta Graph API products, signed, subscribed and
 * answered the same way.
 */

/** The one Graph API version every call uses. Meta supports each version for about two years. */
export const GRAPH_API_VERSION = 'v21.0';

/** A send gives up after this long, so a hung connection becomes a retry rather than a stuck activity. */
const GRAPH_TIMEOUT_MS = 15_000;

/** `{base}/v21.0/{path}`. The base comes from META_GRAPH_BASE_URL, so tests can point it at a fake. */
export function graphUrl(baseUrl: string, path: string): URL {
  return new URL(`${baseUrl.replace(/\/+$/, '')}/${GRAPH_API_VERSION}/${path}`);
}

/**
 * Meta signs every webhook POST with the app secret: `X-Hub-Signature-256: sha256=` + hex
 * HMAC-SHA256 of the raw body. Checked over the bytes as received, in constant time.
 */
export function verifyHubSignature(request: WebhookRequest, appSecret: string): boolean {
  const header = request.headers.get('x-hub-signature-256');
  if (!header) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', appSecret).update(request.rawBody).digest('hex')}`);
  const received = Buffer.from(header.trim().toLowerCase());
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/**
 * Meta's subscription handshake: a GET with `hub.mode=subscribe`, our verify token and a challenge
 * to echo as plain text. Anything else is refused with 403, as Meta expects.
 */
export function answerHubChallenge(request: WebhookRequest, verifyToken: string): WebhookReply {
  const mode = request.query.get('hub.mode');
  const token = request.query.get('hub.verify_token') ?? '';
  const challenge = request.query.get('hub.challenge');
  if (mode !== 'subscribe' || challenge === null || !secretsEqual(token, verifyToken)) {
    return { status: 403, json: { error: { code: 'forbidden', message: 'The verify token or hub.mode is wrong.' } } };
  }
  return { status: 200, text: challenge };
}

/** Constant time whatever the lengths: both sides are hashed to equal-length digests first. */
function secretsEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

const GraphErrorBodySchema = z.object({
  error: z.object({
    message: z.string().optional(),
    code: z.coerce.number().optional(),
    error_subcode: z.coerce.number().optional(),
    is_transient: z.boolean().optional(),
    error_data: z.unknown().optional(),
  }),
});

/** The error a Graph API call answered with, as far as it can be read. */
export interface GraphError {
  code?: number;
  subcode?: number;
  message?: string;
  details?: string;
  isTransient?: boolean;
}

/**
 * How long to wait when Meta rate-limits without saying for how long. The Graph limits (4, 17, 32,
 * 613, 80007) are counted over a rolling hour, so a minute is a modest first step; WhatsApp's
 * throughput is per second, and its pair rate allows one message every 6 s to the same user.
 */
const RATE_LIMIT_DELAY_MS: Readonly<Record<number, number>> = {
  4: 60_000,
  17: 60_000,
  32: 60_000,
  613: 60_000,
  80007: 60_000,
  130429: 1_000,
  131056: 6_000,
};

/** Unknown error, service temporarily unavailable, "something went wrong", service unavailable. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016, 133004]);

/**
 * A failure `type` per Graph error, so the conversation's last error says what happened. Codes not
 * listed are still permanent when Meta refuses with a 4xx: the same request would be refused again.
 */
export function graphErrorType(platform: 'Messenger' | 'WhatsApp', error: GraphError): string {
  const { code, subcode } = error;
  if (code === 190) return 'MetaAccessTokenInvalid';
  if (code === 551 || subcode === 1545041) return 'MessengerRecipientUnavailable';
  if (subcode === 2018278 || code === 2018278) return 'MessengerWindowClosed';
  if (code === 131047) return 'WhatsAppWindowClosed';
  if (code === 131026) return 'WhatsAppUndeliverable';
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) return 'MetaPermissionDenied';
  if (code === 100) return 'MetaInvalidRequest';
  return `${platform}RequestRejected`;
}

/** Describes a Graph error in one line, with its code, for logs and the conversation's last error. */
export function describeGraphError(error: GraphError): string {
  const code = error.code === undefined ? '' : `(#${error.code}${error.subcode ? `/${error.subcode}` : ''}) `;
  const details = error.details && error.details !== error.message ? `: ${error.details}` : '';
  return `${code}${error.message ?? 'no message'}${details}`;
}

/**
 * Turns a refused Graph API call into what the retry must do: `rateLimitedFailure` for Meta's rate
 * limits (waiting as long as Meta asked, else the delay known for that limit), a plain error for
 * 5xx and transient codes so Temporal backs off, and `permanentFailure` for the rest.
 */
export function graphFailure(args: {
  platform: 'Messenger' | 'WhatsApp';
  status: number;
  headers: Headers;
  body: unknown;
  now?: number;
}): Error {
  const { platform, status, headers } = args;
  const error = readGraphError(args.body);
  const summary = `${platform} answered ${status} ${describeGraphError(error)}`;
  const rateDelay = error.code === undefined ? undefined : RATE_LIMIT_DELAY_MS[error.code];
  if (rateDelay !== undefined || status === 429) {
    return rateLimitedFailure(summary, retryDelayFromHeaders(headers, args.now) ?? rateDelay, `${platform}RateLimited`);
  }
  const transient = status >= 500 || status === 408 || error.isTransient === true || (error.code !== undefined && TRANSIENT_CODES.has(error.code));
  if (transient) return new Error(summary);
  return permanentFailure(summary, graphErrorType(platform, error), { status, code: error.code, subcode: error.subcode });
}

function readGraphError(body: unknown): GraphError {
  const parsed = GraphErrorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const { message, code, error_subcode: subcode, is_transient: isTransient, error_data: data } = parsed.data.error;
  const details = typeof data === 'string' ? data : z.object({ details: z.string() }).safeParse(data).data?.details;
  return { code, subcode, message, details, isTransient };
}

/**
 * The wait Meta asked for: a `Retry-After` header, or the `estimated_time_to_regain_access`
 * (minutes) that Graph's usage headers carry once a business use case is throttled.
 */
export function retryDelayFromHeaders(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfterMs(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage']) {
    const value = headers.get(name);
    if (value) minutes = Math.max(minutes, maxRegainMinutes(safeJson(value)));
  }
  return minutes > 0 ? minutes * 60_000 : undefined;
}

function maxRegainMinutes(value: unknown): number {
  if (Array.isArray(value)) return Math.max(0, ...value.map(maxRegainMinutes));
  if (value === null || typeof value !== 'object') return 0;
  return Math.max(
    0,
    ...Object.entries(value).map(([key, inner]) =>
      key === 'estimated_time_to_regain_access' && typeof inner === 'number' ? inner : maxRegainMinutes(inner),
    ),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * POSTs JSON to the Graph API once (retries are Temporal's) and returns the parsed body of a 2xx.
 * Otherwise throws what the retry must do; see `graphFailure`. Network errors propagate as they
 * are, to be retried.
 */
export async function postToGraph(args: {
  platform: 'Messenger' | 'WhatsApp';
  url: URL;
  headers?: Record<string, string>;
  body: unknown;
  /** Ends the call sooner than the default 15 s (a typing indicator is not worth waiting for). */
  abort?: AbortSignal;
}): Promise<unknown> {
  const response = await fetch(args.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...args.headers },
    body: JSON.stringify(args.body),
    signal: args.abort ?? AbortSignal.timeout(GRAPH_TIMEOUT_MS),
  });
  const body = safeJson(await response.text());
  if (response.ok) return body;
  throw graphFailure({ platform: args.platform, status: response.status, headers: response.headers, body });
}

/** Meta ids are strings on the wire, often longer than a JSON number can hold exactly. */
export const GraphIdSchema = z.string().min(1);

/** Messenger and WhatsApp share Meta's Graph API, and the variable that moves it. */
export const META_GRAPH_API = { variable: 'META_GRAPH_BASE_URL', default: 'https://graph.facebook.com' };

/**
 * Meta sets a callback URL in the app dashboard (its Graph API can too, but only with the app's own
 * access token, which a channel does not hold): the settings to paste there. Meta checks the URL
 * with the hub.challenge handshake, answered with the channel's verify token.
 */
export function metaConsoleSetup(args: { where: string; webhookUrl: string; verifyToken: string; fields: string[] }): Promise<WebhookSetup> {
  return consoleSetup(
    args.where,
    { 'Callback URL': args.webhookUrl, 'Verify token': args.verifyToken, 'Webhook fields to subscribe': args.fields.join(', ') },
    'Store the credentials first (PUT /v1/bots/{botId}/channels/…): "Verify and save" sends the handshake, which only the stored verify token answers.',
  );
}
