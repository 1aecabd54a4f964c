import { createBotSettingsActivities } from './bot-settings';
import { createConversationRecordActivities } from './conversation-records';
import type { ActivityDeps } from './deps';
import { createModelActivities } from './model';
import { createNotificationActivities } from './notifications';
import { createSendReplyActivities } from './send-reply';
import { createTurnActivities } from './turn';

export type { ActivityDeps } from './deps';

/** Every activity the conversation workflow calls, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createBotSettingsActivities(deps),
    ...createConversationRecordActivities(deps),
    ...createModelActivities(deps),
    ...createSendReplyActivities(deps),
    ...createNotificationActivities(deps),
    ...createTurnActivities(deps),
  };
}

export type ConversationActivities = ReturnType<typeof createActivities>;
