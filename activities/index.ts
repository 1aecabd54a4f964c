import { createBotSettingsActivities } from './bot-settings';
import { createConversationRecordActivities } from './conversation-records';
import type { ActivityDeps } from './deps';
import { createMediaActivities } from './media';
import { createModelActivities } from './model';
import { createNotificationActivities } from './notifications';
import { createSendReplyActivities } from './send-reply';
import { createToolActivities } from './tools';
import { createTurnActivities } from './turn';

export type { ActivityDeps } from './deps';

/**
 * Every activity the conversation workflows call, bound to their dependencies. `conversationV2`
 * calls beginTurn, runTurn, callTool, abandonTurn, setConversationStatus and endConversation; the rest serve
 * conversations of the first shape (`workflows/legacy/`) and go with it.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createBotSettingsActivities(deps),
    ...createConversationRecordActivities(deps),
    ...createModelActivities(deps),
    ...createSendReplyActivities(deps),
    ...createNotificationActivities(deps),
    ...createTurnActivities(deps),
    ...createToolActivities(deps),
    ...createMediaActivities(deps),
  };
}

export type ConversationActivities = ReturnType<typeof createActivities>;
