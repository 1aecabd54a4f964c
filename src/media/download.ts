import { parseRetryAfterMs, permanentFailure, rateLimitedFailure } from '../temporal/failures';

/** A hung download becomes a retry well inside the media activity's timeout. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** What a platform served: the bytes, and the type it named (platforms name it, or the URL does). */
export interface DownloadedMedia {
  bytes: Buffer;
  mimeType: string | null;
}

/** The file is over its kind's limit: nothing was kept, and the person is told. */
export class MediaTooLarge extends Error {
  override name = 'MediaTooLarge';
  constructor(readonly limitBytes: number) {
    super(`the file is over the limit of ${limitBytes} bytes`);
  }
}

/**
 * Downloads one file, stopping as soon as it passes `maxBytes` (by its Content-Length, or while it
 * streams in when that is absent or wrong). A 429 retries when the server says, a 5xx or a network
 * error with backoff; a file that is gone or forbidden stops (`MediaUnavailable`).
 */
export async function downloadBytes(args: { url: string; headers?: Record<string, string>; maxBytes: number; what: string }): Promise<DownloadedMedia> {
  const response = await fetch(args.url, { headers: args.headers, redirect: 'follow', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (response.status === 429) {
    throw rateLimitedFailure(`${args.what}: rate limited`, parseRetryAfterMs(response.headers.get('retry-after')), 'MediaRateLimited');
  }
  if (response.status >= 500) throw new Error(`${args.what}: HTTP ${response.status}`);
  if (!response.ok || !response.body) throw permanentFailure(`${args.what}: HTTP ${response.status}`, 'MediaUnavailable');

  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > args.maxBytes) {
    await response.body.cancel();
    throw new MediaTooLarge(args.maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > args.maxBytes) throw new MediaTooLarge(args.maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return { bytes: Buffer.concat(chunks), mimeType: response.headers.get('content-type')?.split(';')[0]?.trim() || null };
}

/** Reads a JSON answer of a platform's file API, the way its errors must be read. */
export async function fetchJson(args: { url: string; init?: RequestInit; what: string }): Promise<unknown> {
  const response = await fetch(args.url, { ...args.init, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (response.status === 429) {
    throw rateLimitedFailure(`${args.what}: rate limited`, parseRetryAfterMs(response.headers.get('retry-after')), 'MediaRateLimited');
  }
  if (response.status >= 500) throw new Error(`${args.what}: HTTP ${response.status}`);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw permanentFailure(`${args.what}: HTTP ${response.status}`, 'MediaUnavailable');
  return body;
}
