import type { InboundMessage } from '../../src/conversations/inbound-message';
import {
  isCleanId,
  MAX_CHAT_ID_LENGTH,
  MAX_INBOUND_TEXT_LENGTH,
  normaliseId,
  normaliseInbound,
  normaliseText,
  TRUNCATION_MARKER,
} from '../../src/conversations/normalise-inbound';

const message: InboundMessage = {
  botId: 'support',
  platform: 'telegram',
  chatId: '42',
  userId: '7',
  messageId: '100',
  text: 'hello',
  attachments: [],
  receivedAt: '2026-12-03T00:00:00.000Z',
};

/** What Postgres text and Temporal's JSON payloads can hold: no NUL, no unpaired surrogate. */
function storable(text: string): boolean {
  return !text.includes('\u0000') && text === Buffer.from(text, 'utf8').toString('utf8');
}

describe('normaliseText', () => {
  it('removes NUL and the other control characters, keeping tabs and line breaks', () => {
    expect(normaliseText('a\u0000b\u0007c\u001bd\u007fe\u0085f\tg\nh')).toBe('abcdef\tg\nh');
  });

  it('unifies line breaks', () => {
    expect(normaliseText('one\r\ntwo\rthree')).toBe('one\ntwo\nthree');
  });

  it('replaces lone surrogates and keeps real pairs', () => {
    const text = normaliseText('x\uD800y\uDC00z 😀');
    expect(text).toBe('x\uFFFDy\uFFFDz 😀');
    expect(storable(text)).toBe(true);
  });

  it('drops byte-order marks and non-characters, and composes accents (NFC)', () => {
    expect(normaliseText('\uFEFFcafe\u0301\uFFFF')).toBe('café');
  });

  it('cuts text past the limit with a visible marker, never inside a surrogate pair', () => {
    const long = 'a'.repeat(MAX_INBOUND_TEXT_LENGTH + 10);
    const cut = normaliseText(long);
    expect(cut).toHaveLength(MAX_INBOUND_TEXT_LENGTH);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);

    const emoji = '😀'.repeat(10);
    const short = normaliseText(emoji, 8);
    expect(storable(short)).toBe(true);
    expect(short.length).toBeLessThanOrEqual(8);
  });

  it('is idempotent', () => {
    const once = normaliseText('a\u0000\uD800b\r\n' + 'x'.repeat(MAX_INBOUND_TEXT_LENGTH));
    expect(normaliseText(once)).toBe(once);
  });
});

describe('ids', () => {
  it('keeps ids one line and free of control characters', () => {
    expect(normaliseId('ab\u0000c\nd')).toBe('abc d');
    expect(isCleanId('chat-1')).toBe(true);
    expect(isCleanId('chat\u0000')).toBe(false);
    expect(isCleanId('chat\uD800')).toBe(false);
    expect(isCleanId('')).toBe(false);
  });
});

describe('normaliseInbound', () => {
  it('makes every stored field safe, attachments and reply context included', () => {
    const dirty = normaliseInbound({
      ...message,
      chatId: `c\u0000${'x'.repeat(MAX_CHAT_ID_LENGTH)}`,
      userId: 'u\u0000',
      messageId: 'm\u0000',
      text: 'hi\u0000 there\uDFFF',
      attachments: [{ kind: 'file', ref: 'f\u0000', name: 'n\u0000.pdf', mimeType: 'application/pdf' }],
      replyContext: { thread: 't\u0000' },
    });
    expect(dirty).toEqual({
      ...message,
      chatId: `c${'x'.repeat(MAX_CHAT_ID_LENGTH - 1)}`,
      userId: 'u',
      messageId: 'm',
      text: 'hi there\uFFFD',
      attachments: [{ kind: 'file', ref: 'f', name: 'n.pdf', mimeType: 'application/pdf' }],
      replyContext: { thread: 't' },
    });
    expect(normaliseInbound(dirty)).toEqual(dirty);
  });

  it('leaves a clean message as it was', () => {
    expect(normaliseInbound(message)).toEqual(message);
  });
});
