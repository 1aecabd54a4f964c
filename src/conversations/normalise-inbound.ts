import type { Attachment, InboundMessage } from './inbound-message';

/**
 * Every accepted message passes through here once, where it enters, whichever channel it came
 * from. What leaves is text that Postgres, Temporal, the model and every platform can hold, so no
 * message can fail every retry and wedge its conversation.
 */

/** The longest text a turn takes; a platform's longer message is cut, with a marker saying so. */
export const MAX_INBOUND_TEXT_LENGTH = 8000;
/** The longest chat id: it is part of the workflow id, which Temporal bounds. Platform ids are far shorter. */
export const MAX_CHAT_ID_LENGTH = 256;
/** The longest other id, name or reference kept. */
export const MAX_INBOUND_ID_LENGTH = 1024;

export const TRUNCATION_MARKER = ' […]';

// C0 controls but tab and newline, DEL, and C1 controls. NUL is among them: Postgres text cannot hold it.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
// Non-characters and the byte-order mark, which render as nothing and confuse tokenizers.
const INVISIBLE_NONCHARACTERS = /[\uFEFF\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text made safe to store and send: line breaks unified, control characters and lone surrogates gone. */
export function normaliseText(text: string, maxLength = MAX_INBOUND_TEXT_LENGTH): string {
  const safe = text
    .replace(/\r\n?/g, '\n')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROL_CHARACTERS, '')
    .replace(INVISIBLE_NONCHARACTERS, '')
    .normalize('NFC');
  return truncate(safe, maxLength);
}

/** An id or name: one line, no control characters, bounded. */
export function normaliseId(value: string, maxLength = MAX_INBOUND_ID_LENGTH): string {
  return truncate(normaliseText(value, Number.MAX_SAFE_INTEGER).replace(/[\n\t]/g, ' '), maxLength, '');
}

/** True when `value` would come through `normaliseId` unchanged: for ids a caller must get right. */
export function isCleanId(value: string, maxLength = MAX_INBOUND_ID_LENGTH): boolean {
  return value.length > 0 && normaliseId(value, maxLength) === value;
}

/** The message as the conversation will see it. Idempotent: normalising twice changes nothing more. */
export function normaliseInbound({ userName, ...message }: InboundMessage): InboundMessage {
  return {
    ...message,
    chatId: normaliseId(message.chatId, MAX_CHAT_ID_LENGTH),
    userId: normaliseId(message.userId),
    ...personName(userName),
    messageId: normaliseId(message.messageId),
    ...(message.nativeId !== undefined && { nativeId: normaliseId(message.nativeId) }),
    ...(message.payload !== undefined && { payload: normaliseId(message.payload) }),
    text: normaliseText(message.text),
    attachments: message.attachments.map(normaliseAttachment),
    replyContext: message.replyContext && mapValues(message.replyContext, (value) => normaliseText(value, MAX_INBOUND_TEXT_LENGTH)),
  };
}

/** A person's name as shown to operators: one line, at most 100 characters, left out when blank. */
function personName(name: string | undefined): { userName?: string } {
  const clean = name === undefined ? '' : normaliseId(name, 100).trim();
  return clean === '' ? {} : { userName: clean };
}

function normaliseAttachment(attachment: Attachment): Attachment {
  return {
    kind: attachment.kind,
    ref: normaliseText(attachment.ref, 2048),
    ...(attachment.mimeType === undefined ? {} : { mimeType: normaliseId(attachment.mimeType) }),
    ...(attachment.name === undefined ? {} : { name: normaliseId(attachment.name) }),
    ...(attachment.text === undefined ? {} : { text: normaliseText(attachment.text, 2048) }),
  };
}

function truncate(text: string, maxLength: number, marker = TRUNCATION_MARKER): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - marker.length;
  // Never cut a surrogate pair in half.
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
  return text.slice(0, end) + marker;
}

function mapValues(record: Record<string, string>, map: (value: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
