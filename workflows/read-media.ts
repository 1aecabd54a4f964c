import { type ActivityOptions, ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { ConversationActivities } from '../activities';
import type { ConversationKey } from '../src/conversations/conversation-key';
import type { InboundMessage } from '../src/conversations/inbound-message';
import { isDownloadable, READ_MEDIA_ATTEMPTS } from '../src/conversations/media-limits';
import type { MediaNote } from '../src/conversations/media-note';

/**
 * Downloading a file and transcribing a voice message call out to the world for long, and must be
 * retried on their own: one `readMedia` activity per message with media, three tries, a heartbeat.
 */
const MEDIA_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: READ_MEDIA_ATTEMPTS },
};
const media = proxyActivities<ConversationActivities>(MEDIA_OPTIONS);

/**
 * Reads what the turn's messages carry besides text, the messages side by side. A message whose
 * media could not be read after every try is not lost: its notes say so, and the person is told.
 */
export async function readTurnMedia(args: {
  key: ConversationKey;
  conversationId: string;
  messages: readonly InboundMessage[];
  transcriptionModel: string;
  requestIds?: string[];
}): Promise<MediaNote[]> {
  const withMedia = args.messages.filter((message) => message.attachments.some((a) => isDownloadable(a.kind)));
  const read = await Promise.all(
    withMedia.map(async (message) => {
      const input = { key: args.key, conversationId: args.conversationId, message: { messageId: message.messageId, attachments: message.attachments }, transcriptionModel: args.transcriptionModel, requestIds: args.requestIds };
      try {
        return await media.readMedia.executeWithOptions({ ...MEDIA_OPTIONS, summary: mediaSummary(message) }, [input]);
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('Media could not be read after every try; the person is told', { error: error.cause?.message ?? error.message });
        return message.attachments.flatMap((attachment, index): MediaNote[] =>
          isDownloadable(attachment.kind) ? [{ messageId: message.messageId, index, kind: attachment.kind, problem: 'unavailable' }] : [],
        );
      }
    }),
  );
  return read.flat();
}

/** `media: 1 audio, 1 image`: the Web UI's line for the activity, never what the person sent. */
function mediaSummary(message: InboundMessage): string {
  const kinds = message.attachments.filter((a) => isDownloadable(a.kind)).map((a) => a.kind);
  const counts = [...new Set(kinds)].map((kind) => `${kinds.filter((k) => k === kind).length} ${kind}`);
  return `media: ${counts.join(', ')}`;
}
