/**
 * What was made of one attachment of a turn's messages: where its bytes are stored, what was heard
 * in it, or why it could not be kept. Plain data: the `readMedia` activity returns it, the
 * workflow carries it to the turn's pipeline, and the Web UI shows it.
 */
import type { Attachment } from './inbound-message';
import type { MediaLimitProblem } from './media-limits';

/** `unavailable`: the download failed for good (gone, forbidden, or every retry failed). */
export type MediaProblem = MediaLimitProblem | 'unavailable';

export interface MediaNote {
  /** The platform id of the message it came with, and its place among that message's attachments. */
  messageId: string;
  index: number;
  kind: Attachment['kind'];
  /** The `media` row holding the bytes; absent when none were kept. */
  mediaId?: string;
  mimeType?: string;
  /** What the transcription model heard in a voice message or audio. */
  transcript?: string;
  problem?: MediaProblem;
}
