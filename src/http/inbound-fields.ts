import { z } from '@hono/zod-openapi';
import { isCleanId, normaliseText } from '../conversations/normalise-inbound';

/**
 * Fields a caller writes into a conversation. The caller can fix what they send, so text with
 * nothing visible and ids with control characters are refused with 400; the rest of the text is
 * made safe by `normaliseInbound` when the message is accepted.
 */
export function inboundTextField(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength)
    .refine((text) => normaliseText(text, Number.MAX_SAFE_INTEGER).trim().length > 0, 'must contain visible text, not only control characters');
}

/** An id the caller chooses: any printable text, one line, with no control characters or unpaired surrogates. */
export function inboundIdField(maxLength: number) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .refine((id) => isCleanId(id, maxLength), 'must be one line of printable text: no control characters or unpaired surrogates');
}
