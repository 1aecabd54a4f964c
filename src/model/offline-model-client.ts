import type { GeneratedReply, GeneratedSummary, ModelClient, ModerationVerdict, ReplyRequest } from './model-client';
import type { SummaryRequest } from './summary-prompt';
import { moderateWithWordList } from './word-list-moderation';

export const OFFLINE_LABEL = '[offline responder]';

/**
 * Answers without any model, so the product runs with no API key. Every reply says so, and the
 * description is logged at start: nobody should mistake it for a model.
 */
export function createOfflineModelClient(): ModelClient {
  return {
    description: 'built-in offline responder (set OPENAI_API_KEY for real replies)',
    seesImages: false,
    /** Nobody to listen: the person is told, in their language (`src/conversations/turn-media.ts`). */
    async transcribe(): Promise<null> {
      return null;
    },
    async generateReply(request: ReplyRequest, onDelta?: (delta: string) => void): Promise<GeneratedReply> {
      const said = request.userText.length > 300 ? `${request.userText.slice(0, 300)}…` : request.userText;
      const turn = request.history.filter((entry) => entry.role === 'user').length + 1;
      const text = `${OFFLINE_LABEL} You said: "${said}" (message ${turn} in this conversation). Set OPENAI_API_KEY to get real answers.`;
      // Written at once: one piece.
      onDelta?.(text);
      return {
        text,
        model: 'offline',
        tokens: null,
        offline: true,
      };
    },
    /**
     * A plain summary without a model: what the person said, oldest first, a line each. Bounded:
     * past the allowance (about four characters a token) the oldest lines go.
     */
    async summarise(request: SummaryRequest): Promise<GeneratedSummary> {
      const said = request.entries.filter((entry) => entry.role !== 'assistant').map((entry) => `- ${entry.text.replace(/\s+/g, ' ').slice(0, 200)}`);
      const lines = [...(request.previousSummary?.split('\n') ?? []), ...said];
      const budget = request.maxTokens * 4;
      while (lines.length > 1 && lines.join('\n').length > budget) lines.shift();
      return { text: lines.join('\n').slice(-budget), tokens: null };
    },
    async moderate(text: string): Promise<ModerationVerdict> {
      return moderateWithWordList(text);
    },
    /** No model to ask: the local packages decide (`src/understanding/local-understanding.ts`). */
    async understand(): Promise<null> {
      return null;
    },
  };
}
