import { log } from '@temporalio/activity';
import type { GeneratedReply, ModerationVerdict, ReplyRequest } from '../src/model/model-client';
import { moderateWithWordList } from '../src/model/word-list-moderation';
import type { ActivityDeps } from './deps';
import { whileHeartbeating } from './heartbeat';

export function createModelActivities({ model }: Pick<ActivityDeps, 'model'>) {
  return {
    async moderate(args: { text: string; provider: 'configured' | 'word-list' }): Promise<ModerationVerdict> {
      const verdict =
        args.provider === 'word-list'
          ? moderateWithWordList(args.text)
          : await whileHeartbeating(() => model.moderate(args.text));
      if (verdict.flagged) log.info('Moderation flagged a message', { categories: verdict.categories });
      return verdict;
    },

    async generateReply(request: ReplyRequest): Promise<GeneratedReply> {
      const reply = await whileHeartbeating(() => model.generateReply(request));
      if (reply.offline) log.warn('Replied with the offline responder: no OPENAI_API_KEY is configured');
      else log.info('Model replied', { model: reply.model, tokens: reply.tokens });
      return reply;
    },
  };
}
