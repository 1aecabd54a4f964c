import { createHmac } from 'node:crypto';
import { type FakePlatformApi, type RecordedRequest, type ScriptedAnswer, startFakePlatformApi } from './fake-platform-api';

/**
 * A stand-in for graph.facebook.com serving both Meta products: Messenger's
 * `POST /v{n}/me/messages?access_token=…` and WhatsApp's `POST /v{n}/{phone-number-id}/messages`
 * with a Bearer token. Sends without a token get Graph's error 190, anything else a 404 error.
 */
export interface FakeMetaGraph extends FakePlatformApi {
  /** Messages sent through the Messenger Send API, in arrival order. */
  messengerSends(): RecordedRequest[];
  /** Messenger sender actions (`typing_on`, `typing_off`), in arrival order. */
  messengerSenderActions(): RecordedRequest[];
  /** Messages sent through the WhatsApp Cloud API messages endpoint, in arrival order. */
  whatsappSends(): RecordedRequest[];
  /** WhatsApp typing indicators (`status: "read"` with `typing_indicator`), in arrival order. */
  whatsappTypingIndicators(): RecordedRequest[];
  /**
   * Media a person sent on WhatsApp: `GET /{version}/{mediaId}` (Bearer) names a URL, its type and
   * size; the URL serves the bytes to the same token. `size` is what the lookup reports.
   */
  addWhatsAppMedia(mediaId: string, media: { bytes: Buffer; mimeType: string; accessToken: string; size?: number }): void;
  /** An attachment on Meta's CDN, as Messenger links to it: a signed URL that needs no token. */
  addCdnFile(name: string, file: { bytes: Buffer; contentType: string }): string;
  /** A Page whose token `GET /{version}/me?access_token=…` answers with the Page's name and id. */
  addPage(page: { pageAccessToken: string; id: string; name: string }): void;
  /** A WhatsApp business number that `GET /{version}/{phone-number-id}` (Bearer) describes. */
  addPhoneNumber(number: { phoneNumberId: string; accessToken: string; displayPhoneNumber: string; verifiedName: string }): void;
}

const MESSENGER_PATH = /^\/v\d+\.\d+\/me\/messages(\?|$)/;
const WHATSAPP_PATH = /^\/v\d+\.\d+\/[^/?]+\/messages(\?|$)/;

const isSenderAction = (r: RecordedRequest) => MESSENGER_PATH.test(r.path) && r.body?.sender_action !== undefined;
const isWhatsAppStatus = (r: RecordedRequest) => WHATSAPP_PATH.test(r.path) && !MESSENGER_PATH.test(r.path) && r.body?.status !== undefined;

/**
 * Sender actions and WhatsApp's read receipt with its typing indicator, answered as Meta does;
 * apart from the script, which is meant for sends.
 */
function answerTyping(request: RecordedRequest): ScriptedAnswer | undefined {
  if (request.method !== 'POST') return undefined;
  if (isSenderAction(request)) {
    if (!['typing_on', 'typing_off', 'mark_seen'].includes(request.body.sender_action)) return graphError(100, { message: '(#100) Param sender_action must be one of {MARK_SEEN, TYPING_ON, TYPING_OFF}' });
    return { status: 200, json: { recipient_id: request.body?.recipient?.id } };
  }
  if (isWhatsAppStatus(request)) {
    if (request.body.status !== 'read' || typeof request.body.message_id !== 'string') return graphError(100, { message: '(#100) Invalid parameter' });
    if (request.body.typing_indicator !== undefined && request.body.typing_indicator?.type !== 'text') return graphError(100, { message: '(#100) Invalid parameter' });
    return { status: 200, json: { success: true } };
  }
  return undefined;
}

const MEDIA_PATH = /^\/v\d+\.\d+\/([^/?]+)$/;
const ME_PATH = /^\/v\d+\.\d+\/me(\?|$)/;
const INVALID_TOKEN = graphError(190, { message: 'Invalid OAuth access token - Cannot parse access token' });

export async function startFakeMetaGraph(): Promise<FakeMetaGraph> {
  let sent = 0;
  const media = new Map<string, { url: string; mimeType: string; size: number; accessToken: string }>();
  const pages = new Map<string, { id: string; name: string }>();
  const numbers = new Map<string, { accessToken: string; displayPhoneNumber: string; verifiedName: string }>();
  const api = await startFakePlatformApi((request) => {
    // "Who am I": a Page token names its Page; a WhatsApp number is described to its token.
    if (request.method === 'GET' && ME_PATH.test(request.path)) {
      const page = pages.get(new URL(request.path, 'http://x').searchParams.get('access_token') ?? '');
      return page ? { status: 200, json: { name: page.name, id: page.id } } : INVALID_TOKEN;
    }
    const number = request.method === 'GET' ? numbers.get(decodeURIComponent(MEDIA_PATH.exec(request.path)?.[1] ?? '')) : undefined;
    if (number) {
      if (request.headers.authorization !== `Bearer ${number.accessToken}`) return { ...INVALID_TOKEN, status: 401 };
      const id = decodeURIComponent(MEDIA_PATH.exec(request.path)![1]!);
      return {
        status: 200,
        json: { verified_name: number.verifiedName, code_verification_status: 'VERIFIED', display_phone_number: number.displayPhoneNumber, quality_rating: 'GREEN', platform_type: 'CLOUD_API', throughput: { level: 'STANDARD' }, id },
      };
    }
    const mediaId = request.method === 'GET' ? MEDIA_PATH.exec(request.path)?.[1] : undefined;
    if (mediaId) {
      const found = media.get(decodeURIComponent(mediaId));
      if (!found) return graphError(100, { status: 400, message: `(#100) Unsupported get request. Object with ID '${mediaId}' does not exist` });
      if (request.headers.authorization !== `Bearer ${found.accessToken}`) return graphError(190, { status: 401, message: 'Invalid OAuth access token' });
      return { status: 200, json: { messaging_product: 'whatsapp', url: found.url, mime_type: found.mimeType, sha256: 'fake', file_size: found.size, id: mediaId } };
    }
    if (request.method !== 'POST') return graphError(100, { status: 400, message: 'Unsupported request' });
    if (MESSENGER_PATH.test(request.path)) {
      if (!new URL(request.path, 'http://x').searchParams.get('access_token')) return graphError(190, { status: 400, message: 'An active access token must be used' });
      sent += 1;
      return { status: 200, json: { recipient_id: request.body?.recipient?.id, message_id: `m_fake${sent}` } };
    }
    if (WHATSAPP_PATH.test(request.path)) {
      if (!/^Bearer \S+/.test(request.headers.authorization ?? '')) return graphError(190, { status: 401, message: 'Invalid OAuth access token' });
      sent += 1;
      return {
        status: 200,
        json: {
          messaging_product: 'whatsapp',
          contacts: [{ input: request.body?.to, wa_id: request.body?.to }],
          messages: [{ id: `wamid.FAKE${sent}` }],
        },
      };
    }
    return graphError(803, { status: 404, message: 'Unknown path components' });
  }, { aside: answerTyping });
  return {
    ...api,
    messengerSends: () => api.requests.filter((r) => MESSENGER_PATH.test(r.path) && !isSenderAction(r)),
    messengerSenderActions: () => api.requests.filter(isSenderAction),
    whatsappSends: () => api.requests.filter((r) => WHATSAPP_PATH.test(r.path) && !MESSENGER_PATH.test(r.path) && !isWhatsAppStatus(r)),
    whatsappTypingIndicators: () => api.requests.filter((r) => isWhatsAppStatus(r) && r.body.typing_indicator !== undefined),
    addWhatsAppMedia: (mediaId, { bytes, mimeType, accessToken, size }) => {
      const url = api.serveFile(`/whatsapp-media/${encodeURIComponent(mediaId)}`, { bytes, contentType: mimeType, requiredHeaders: { authorization: `Bearer ${accessToken}` } });
      media.set(mediaId, { url, mimeType, size: size ?? bytes.length, accessToken });
    },
    addCdnFile: (name, file) => api.serveFile(`/cdn/${name}`, file),
    addPage: ({ pageAccessToken, ...page }) => void pages.set(pageAccessToken, page),
    addPhoneNumber: ({ phoneNumberId, ...number }) => void numbers.set(phoneNumberId, number),
    reset: () => {
      api.reset();
      media.clear();
      pages.clear();
      numbers.clear();
    },
  };
}

/** A Graph API error answer: `{error: {message, type, code, error_subcode, fbtrace_id}}`, HTTP 400 unless told. */
export function graphError(
  code: number,
  options: { status?: number; subcode?: number; message?: string; details?: string; headers?: Record<string, string>; isTransient?: boolean } = {},
): ScriptedAnswer {
  return {
    status: options.status ?? 400,
    headers: options.headers,
    json: {
      error: {
        message: options.message ?? `(#${code}) error ${code}`,
        type: 'OAuthException',
        code,
        ...(options.subcode !== undefined && { error_subcode: options.subcode }),
        ...(options.details !== undefined && { error_data: { messaging_product: 'whatsapp', details: options.details } }),
        ...(options.isTransient !== undefined && { is_transient: options.isTransient }),
        fbtrace_id: 'AbCdEfGhIjK',
      },
    },
  };
}

/** The `X-Hub-Signature-256` Meta puts on a webhook body. */
export function signHubBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** POSTs a webhook as Meta does: the raw bytes, signed with the app secret unless told otherwise. */
export async function postMetaWebhook(
  url: string,
  payload: unknown,
  init: { appSecret: string; signature?: string | null; contentType?: string },
): Promise<{ status: number; text: string }> {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json' };
  const signature = init.signature === undefined ? signHubBody(raw, init.appSecret) : init.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body: raw });
  return { status: response.status, text: await response.text() };
}

/**
 * A WhatsApp user's reaction to a message (`messages[]` item of type `reaction`), as the Cloud API's
 * reaction webhook reference shows it: taking a reaction back sends one without `emoji`.
 */
export function whatsappReaction(args: { from: string; id: string; messageId: string; emoji?: string }) {
  return {
    from: args.from,
    id: args.id,
    timestamp: String(Math.floor(Date.now() / 1000)),
    type: 'reaction',
    reaction: { message_id: args.messageId, ...(args.emoji !== undefined && { emoji: args.emoji }) },
  };
}

/** A Messenger `message_reactions` event: `react` with the emoji, or `unreact`. */
export function messengerReaction(args: { psid: string; pageId: string; mid: string; action: 'react' | 'unreact'; emoji?: string; reaction?: string }) {
  return {
    sender: { id: args.psid },
    recipient: { id: args.pageId },
    timestamp: Date.now(),
    reaction: { mid: args.mid, action: args.action, ...(args.emoji !== undefined && { emoji: args.emoji, reaction: args.reaction ?? 'other' }) },
  };
}

/** A Messenger `message_edits` event: the message's new text, and how many times it was edited. */
export function messengerEdit(args: { psid: string; pageId: string; mid: string; text: string; numEdit?: number }) {
  return { sender: { id: args.psid }, recipient: { id: args.pageId }, timestamp: Date.now(), message_edit: { mid: args.mid, text: args.text, num_edit: args.numEdit ?? 1 } };
}
