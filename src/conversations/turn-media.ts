/**
 * How a turn reads what people sent besides text. Pure: the workflow builds the turn's text with
 * it, and the pipeline decides with it whether the model can answer or the person is told, in
 * their language, what the bot could not see, hear or open.
 */
import type { Attachment, InboundMessage } from './inbound-message';
import type { NoticeName } from './notices';
import type { MediaNote } from './media-note';

/** What stands for an attachment in the turn's text (and the history), when it is not text itself. */
const LABELS: Record<Attachment['kind'], string> = {
  image: '[photo]',
  audio: '[voice message]',
  video: '[video]',
  file: '[file]',
  sticker: '[sticker]',
  location: '[location]',
  contact: '[contact]',
  other: '[attachment]',
};

/**
 * One message as the model and the history read it: its text, then each attachment as text where
 * it has some (a location, a contact, a transcript), or as a short label (`[photo]`).
 */
export function messageText(message: InboundMessage, notes: readonly MediaNote[] = []): string {
  // A press reads as the button's title, with the choice's id when it says more.
  const parts = [message.payload === undefined ? message.text.trim() : pressText({ id: message.payload, title: message.text.trim() || message.payload })];
  message.attachments.forEach((attachment, index) => {
    const note = notes.find((n) => n.messageId === message.messageId && n.index === index);
    if (note?.transcript) parts.push(note.transcript);
    else if (attachment.text) parts.push(attachment.text);
    else parts.push(attachment.name && attachment.kind === 'file' ? `[file: ${attachment.name}]` : LABELS[attachment.kind]);
  });
  return parts.filter((part) => part.length > 0).join('\n');
}

/** True when the messages say something in words: text, a location, a contact, a transcript. */
export function hasWords(messages: readonly InboundMessage[], notes: readonly MediaNote[]): boolean {
  return messages.some(
    (message) =>
      message.text.trim() !== '' ||
      message.attachments.some((attachment) => attachment.text) ||
      notes.some((note) => note.messageId === message.messageId && note.transcript),
  );
}

/** The images the model is shown (photos and still stickers): kept, and without a problem. */
export function visibleImages(notes: readonly MediaNote[]): Array<{ mediaId: string; mimeType: string }> {
  return notes.flatMap((note) => (isPicture(note) && note.mediaId && !note.problem ? [{ mediaId: note.mediaId, mimeType: note.mimeType ?? 'image/jpeg' }] : []));
}

const isPicture = (note: MediaNote) => note.kind === 'image' || note.kind === 'sticker';

/**
 * The notice a turn answers with when the model has nothing it can read: nothing in words, and no
 * image it can see. The most useful one first: a file that was refused says why.
 */
export function mediaNotice(notes: readonly MediaNote[]): NoticeName {
  // A sticker that cannot be shown (an animated one, say) is simply not seen: nobody sent a "file".
  const files = notes.filter((n) => n.kind !== 'sticker');
  if (files.some((n) => n.problem === 'too-large')) return 'mediaTooLarge';
  if (files.some((n) => n.problem === 'type-not-allowed')) return 'mediaTypeRefused';
  if (files.some((n) => n.problem === 'unavailable')) return 'mediaUnavailable';
  if (files.some((n) => n.kind === 'audio')) return 'cannotHear';
  if (notes.some(isPicture)) return 'cannotSee';
  return 'cannotOpen';
}

/** What the model is told it cannot read, so that it says so rather than guess. Empty when it can read everything. */
export function unreadableNote(notes: readonly MediaNote[], canSee: boolean): string | null {
  const missed = notes.flatMap((note) => {
    if (note.problem) return [note.kind === 'sticker' ? 'a sticker you cannot see' : `a ${note.kind} that could not be downloaded (${note.problem})`];
    if (isPicture(note) && !canSee) return [note.kind === 'sticker' ? 'a sticker you cannot see' : 'an image you cannot see'];
    if (note.kind === 'audio' && !note.transcript) return ['a voice message nobody could transcribe'];
    if (note.kind === 'video') return ['a video you cannot watch'];
    if (note.kind === 'file') return ['a file you cannot open'];
    return [];
  });
  if (missed.length === 0) return null;
  return `The person also sent ${missed.join(', ')}. Say so briefly if it matters to your answer; do not guess its content.`;
}

/** How a press of a button reads in the turn: its title, with the choice's id when it says more. */
export function pressText(choice: { id: string; title: string }): string {
  return choice.id === choice.title ? choice.title : `${choice.title} (choice: ${choice.id})`;
}
