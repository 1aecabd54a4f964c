import type { InboundMessage } from '../../src/conversations/inbound-message';
import { mediaLimitProblem } from '../../src/conversations/media-limits';
import type { MediaNote } from '../../src/conversations/media-note';
import { contactText, locationText } from '../../src/media/readable-attachments';
import { hasWords, mediaNotice, messageText, unreadableNote, visibleImages } from '../../src/conversations/turn-media';
import { modelSeesImages } from '../../src/model/model-capabilities';

const message = (fields: Partial<InboundMessage>): InboundMessage => ({
  botId: 'b',
  platform: 'telegram',
  chatId: '1',
  userId: '1',
  messageId: 'm1',
  text: '',
  attachments: [],
  receivedAt: '2026-12-04T00:00:00.000Z',
  ...fields,
});
const note = (fields: Partial<MediaNote>): MediaNote => ({ messageId: 'm1', index: 0, kind: 'image', ...fields });

describe('media limits', () => {
  const MB = 1024 * 1024;
  it('keeps the types of each kind within its size', () => {
    expect(mediaLimitProblem({ kind: 'image', mimeType: 'image/jpeg', size: 2 * MB })).toBeNull();
    expect(mediaLimitProblem({ kind: 'audio', mimeType: 'audio/ogg; codecs=opus', size: MB })).toBeNull();
    expect(mediaLimitProblem({ kind: 'file', mimeType: 'application/pdf', size: MB })).toBeNull();
    expect(mediaLimitProblem({ kind: 'file', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: MB })).toBeNull();
  });

  it('refuses a file over its kind\'s limit, and types that are not allowed', () => {
    expect(mediaLimitProblem({ kind: 'image', mimeType: 'image/png', size: 10 * MB + 1 })).toBe('too-large');
    expect(mediaLimitProblem({ kind: 'audio', mimeType: 'audio/ogg', size: 25 * MB + 1 })).toBe('too-large');
    expect(mediaLimitProblem({ kind: 'file', mimeType: 'application/x-msdownload', size: 10 })).toBe('type-not-allowed');
    expect(mediaLimitProblem({ kind: 'image', mimeType: 'image/svg+xml', size: 10 })).toBe('type-not-allowed');
    expect(mediaLimitProblem({ kind: 'image', mimeType: 'text/html', size: 10 })).toBe('type-not-allowed');
  });
});

describe('readable attachments', () => {
  it('read a location and a contact as text', () => {
    expect(locationText({ latitude: 59.911, longitude: 10.7502, name: 'Oslo S', address: 'Jernbanetorget 1' })).toBe('Location: Oslo S, Jernbanetorget 1 (59.91100, 10.75020)');
    expect(locationText({ latitude: -33.8688, longitude: 151.2093 })).toBe('Location: -33.86880, 151.20930');
    expect(contactText({ name: 'Ada Lovelace', phones: ['+44 20 7946 0958'] })).toBe('Contact: Ada Lovelace, +44 20 7946 0958');
    expect(contactText({})).toBe('Contact: (no name or number)');
  });
});

describe('a turn with media', () => {
  const photo = message({ attachments: [{ kind: 'image', ref: 'f1' }] });
  const voice = message({ attachments: [{ kind: 'audio', ref: 'f2' }] });

  it('reads transcripts, locations and contacts as words, and labels the rest', () => {
    expect(messageText(voice, [note({ kind: 'audio', transcript: 'open on sunday?' })])).toBe('open on sunday?');
    expect(messageText(voice)).toBe('[voice message]');
    expect(messageText(message({ text: 'what is this', attachments: [{ kind: 'image', ref: 'f' }] }))).toBe('what is this\n[photo]');
    expect(messageText(message({ attachments: [{ kind: 'file', ref: 'f', name: 'invoice.pdf' }] }))).toBe('[file: invoice.pdf]');
    expect(messageText(message({ attachments: [{ kind: 'location', ref: 'geo', text: 'Location: 1.00000, 2.00000' }] }))).toBe('Location: 1.00000, 2.00000');

    expect(hasWords([photo], [note({})])).toBe(false);
    expect(hasWords([voice], [note({ kind: 'audio', transcript: 'hi' })])).toBe(true);
    expect(hasWords([message({ attachments: [{ kind: 'contact', ref: 'x', text: 'Contact: Ada' }] })], [])).toBe(true);
  });

  it('shows the model kept images only', () => {
    expect(visibleImages([note({ mediaId: 'a', mimeType: 'image/png' }), note({ index: 1, problem: 'too-large' }), note({ index: 2, kind: 'audio', mediaId: 'b' })])).toEqual([
      { mediaId: 'a', mimeType: 'image/png' },
    ]);
  });

  it('tells the person the most useful thing when nothing can be read', () => {
    expect(mediaNotice([note({ problem: 'too-large' }), note({ kind: 'audio' })])).toBe('mediaTooLarge');
    expect(mediaNotice([note({ kind: 'file', problem: 'type-not-allowed' })])).toBe('mediaTypeRefused');
    expect(mediaNotice([note({ problem: 'unavailable' })])).toBe('mediaUnavailable');
    expect(mediaNotice([note({ kind: 'audio', mediaId: 'a' })])).toBe('cannotHear');
    expect(mediaNotice([note({ mediaId: 'a' })])).toBe('cannotSee');
    expect(mediaNotice([note({ kind: 'video', mediaId: 'a' })])).toBe('cannotOpen');
    expect(mediaNotice([note({ kind: 'sticker', problem: 'type-not-allowed' })])).toBe('cannotSee');
  });

  it('tells the model what it cannot read, and nothing when it can read everything', () => {
    expect(unreadableNote([note({ mediaId: 'a' })], true)).toBeNull();
    expect(unreadableNote([note({ kind: 'audio', mediaId: 'a', transcript: 'hi' })], true)).toBeNull();
    expect(unreadableNote([note({ mediaId: 'a' })], false)).toMatch(/an image you cannot see/);
    expect(unreadableNote([note({ kind: 'file', problem: 'too-large' })], true)).toMatch(/a file that could not be downloaded \(too-large\)/);
  });

  it('knows which models see images, and a bot can say otherwise', () => {
    expect(modelSeesImages('gpt-4o-mini', null)).toBe(true);
    expect(modelSeesImages('gpt-4.1-nano', null)).toBe(true);
    expect(modelSeesImages('gpt-3.5-turbo', null)).toBe(false);
    expect(modelSeesImages('llama3', null)).toBe(false);
    expect(modelSeesImages('llava:13b', true)).toBe(true);
    expect(modelSeesImages('gpt-4o', false)).toBe(false);
  });
});
