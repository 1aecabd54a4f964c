/**
 * What the product downloads of what people send: the most bytes per kind, and the types it takes.
 * Pure data and checks: the download step and the tests read them, and docs/media.md lists them.
 */
import type { Attachment } from './inbound-message';

/** The kinds of attachment whose bytes are fetched; locations and contacts are text already. */
export type DownloadableKind = 'image' | 'sticker' | 'audio' | 'video' | 'file';

const MB = 1024 * 1024;

/** The most bytes stored per kind. Audio stops at 25 MB, the transcription API's own limit. */
export const DEFAULT_MEDIA_MAX_BYTES: Readonly<Record<DownloadableKind, number>> = {
  image: 10 * MB,
  sticker: 1 * MB,
  audio: 25 * MB,
  video: 50 * MB,
  file: 20 * MB,
};

/** Types taken per kind: a prefix ends with `/`. Anything else (executables, archives) is refused. */
const ALLOWED_TYPES: Readonly<Record<DownloadableKind, readonly string[]>> = {
  image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  // A still sticker is an image; an animated one (Telegram's .tgs, a video) is not shown.
  sticker: ['image/webp', 'image/png', 'image/gif', 'image/jpeg'],
  audio: ['audio/'],
  video: ['video/'],
  file: [
    'application/pdf',
    'text/',
    'application/json',
    'application/rtf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.',
    'application/vnd.ms-excel',
    'application/vnd.ms-powerpoint',
    'application/vnd.oasis.opendocument.',
    // Platforms that do not know a file's type say so: its bytes are kept, never run or shown inline.
    'application/octet-stream',
  ],
};

export type MediaLimitProblem = 'too-large' | 'type-not-allowed';

export function isDownloadable(kind: Attachment['kind']): kind is DownloadableKind {
  return kind === 'image' || kind === 'sticker' || kind === 'audio' || kind === 'video' || kind === 'file';
}

/** Why these bytes may not be kept, or null when they may. */
export function mediaLimitProblem(
  args: { kind: DownloadableKind; mimeType: string; size: number },
  maxBytes: Readonly<Record<DownloadableKind, number>> = DEFAULT_MEDIA_MAX_BYTES,
): MediaLimitProblem | null {
  if (args.size > maxBytes[args.kind]) return 'too-large';
  const type = args.mimeType.toLowerCase().split(';')[0]!.trim();
  const allowed = ALLOWED_TYPES[args.kind].some((prefix) => (prefix.endsWith('/') || prefix.endsWith('.') ? type.startsWith(prefix) : type === prefix));
  return allowed ? null : 'type-not-allowed';
}

/** Tries of the `readMedia` activity: a download or a transcription that fails three times is given up, and the person told. */
export const READ_MEDIA_ATTEMPTS = 3;
