import type { GeneratedReply, ModelClient, ModerationVerdict, ReplyRequest } from './model-client';
import { moderateWithWordList } from './word-list-moderation';

export const OFFLINE_LABEL = '[offline responder]';

/**
 * Answers without any model, so the product runs with no API key. Every reply says so, and the
 * description is logged at start: nobody should mistake it for a model.
 */
export function createOfflineModelClient(): ModelClient {
  return {
    description: 'built-in offline responder (set OPENAI_API_KEY for real replies)',
    async generateReply(request: ReplyRequest): Promise<GeneratedReply> {
      const said = request.userText.length > 300 ? `${request.userText.slice(0, 300)}…` : request.userText;
      const turn = request.history.filter((entry) => entry.role === 'user').length + 1;
      return {
        text: `${OFFLINE_LABEL} You said: "${said}" (message ${turn} in this conversation). Set OPENAI_API_KEY to get real answers.`,
        model: 'offline',
        tokens: null,
        offline: true,
      };
    },
    async moderate(text: string): Promise<ModerationVerdict> {
      return moderateWithWordList(text);
    },
  };
}
