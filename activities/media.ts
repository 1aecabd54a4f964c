import { ApplicationFailure } from '@temporalio/common';
import { Context, log } from '@temporalio/activity';
import type { ConversationKey } from '../src/conversations/conversation-key';
import type { Attachment, InboundMessage } from '../src/conversations/inbound-message';
import type { RequestTrace } from '../src/conversations/request-trace';
import { type AttachmentKey, findMedia, storeMedia, storeTranscript } from '../src/db/queries/media';
import { MediaTooLarge } from '../src/media/download';
import { DEFAULT_MEDIA_MAX_BYTES, type DownloadableKind, isDownloadable, mediaLimitProblem, READ_MEDIA_ATTEMPTS } from '../src/conversations/media-limits';
import type { MediaNote } from '../src/conversations/media-note';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

/** The type a platform that names none serves each kind as, most often. */
const DEFAULT_TYPES: Record<DownloadableKind, string> = { image: 'image/jpeg', sticker: 'image/webp', audio: 'audio/ogg', video: 'video/mp4', file: 'application/octet-stream' };

/** Transcription servers tell the format by the file's extension. */
const AUDIO_EXTENSIONS: Record<string, string> = {
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'm4a',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/webm': 'webm',
  'audio/amr': 'amr',
};

export function createMediaActivities({ db, adapters, model }: Pick<ActivityDeps, 'db' | 'adapters' | 'model'>) {
  /** Fetches and keeps one attachment, or says why it could not be kept. Transient failures are thrown, for Temporal's retries. */
  async function keep(key: ConversationKey, at: AttachmentKey & { conversationId: string }, attachment: Attachment & { kind: DownloadableKind }): Promise<MediaNote> {
    const note: MediaNote = { messageId: at.platformMessageId, index: at.index, kind: attachment.kind };
    const stored = await findMedia(db, at);
    if (stored) return { ...note, mediaId: stored.id, mimeType: stored.mime_type, ...(stored.transcript && { transcript: stored.transcript }) };

    const declared = attachment.mimeType && mediaLimitProblem({ kind: attachment.kind, mimeType: attachment.mimeType, size: 0 });
    if (declared) return { ...note, problem: declared };
    const adapter = adapters[key.platform];
    if (!adapter?.fetchMedia) return { ...note, problem: 'unavailable' };

    const maxBytes = DEFAULT_MEDIA_MAX_BYTES[attachment.kind];
    let downloaded;
    try {
      downloaded = await adapter.fetchMedia({ botId: key.botId, attachment, maxBytes });
    } catch (error) {
      if (error instanceof MediaTooLarge) return { ...note, problem: 'too-large' };
      if (error instanceof ApplicationFailure && error.nonRetryable) {
        log.warn('An attachment could not be downloaded; the person is told', { kind: attachment.kind, error: error.message });
        return { ...note, problem: 'unavailable' };
      }
      throw error;
    }
    const served = downloaded.mimeType === 'application/octet-stream' ? null : downloaded.mimeType;
    const mimeType = attachment.mimeType ?? served ?? DEFAULT_TYPES[attachment.kind];
    const problem = mediaLimitProblem({ kind: attachment.kind, mimeType, size: downloaded.bytes.length });
    if (problem) return { ...note, problem };
    const mediaId = await storeMedia(db, { ...at, kind: attachment.kind, mimeType, name: attachment.name ?? null, bytes: downloaded.bytes });
    log.info('Attachment kept', { kind: attachment.kind, mimeType, bytes: downloaded.bytes.length });
    return { ...note, mediaId, mimeType };
  }

  /** Asks the bot's transcription model what was said; on the last attempt a failure leaves the audio untranscribed. */
  async function transcribe(at: AttachmentKey, note: MediaNote, transcriptionModel: string): Promise<MediaNote> {
    if (note.kind !== 'audio' || !note.mediaId || note.transcript) return note;
    const row = await db.selectFrom('media').select(['bytes', 'mime_type']).where('id', '=', note.mediaId).executeTakeFirstOrThrow();
    const extension = AUDIO_EXTENSIONS[row.mime_type] ?? 'ogg';
    try {
      const heard = await model.transcribe({ model: transcriptionModel, audio: row.bytes, mimeType: row.mime_type, fileName: `voice.${extension}` });
      if (!heard || heard.text === '') return note;
      await storeTranscript(db, { ...at, mediaId: note.mediaId, transcript: heard.text, model: heard.model });
      return { ...note, transcript: heard.text };
    } catch (error) {
      const lastAttempt = Context.current().info.attempt >= READ_MEDIA_ATTEMPTS;
      const permanent = error instanceof ApplicationFailure && error.nonRetryable;
      if (!lastAttempt && !permanent) throw error;
      log.warn('A voice message could not be transcribed; the person is told', { model: transcriptionModel, error: error instanceof Error ? error.message : String(error) });
      return note;
    }
  }

  return {
    /**
     * Downloads the attachments of one message through its platform's API, keeps them in Postgres
     * within each kind's limits, and transcribes voice and audio with the bot's transcription
     * model. What could not be kept is returned with the reason, for the person to be told.
     */
    async readMedia(
      args: { key: ConversationKey; conversationId: string; message: Pick<InboundMessage, 'messageId' | 'attachments'>; transcriptionModel: string } & RequestTrace,
    ): Promise<MediaNote[]> {
      const notes: MediaNote[] = [];
      for (const [index, attachment] of args.message.attachments.entries()) {
        if (!isDownloadable(attachment.kind)) continue;
        const at = { botId: args.key.botId, platform: args.key.platform, platformMessageId: args.message.messageId, index, conversationId: args.conversationId };
        const kept = await whileHeartbeating(() => keep(args.key, at, { ...attachment, kind: attachment.kind as DownloadableKind }));
        notes.push(await whileHeartbeating(() => transcribe(at, kept, args.transcriptionModel)));
      }
      return notes;
    },
  };
}
