import type { Platform } from './platform';

/** Identifies one conversation: a bot talking on one platform in one chat. */
export interface ConversationKey {
  botId: string;
  platform: Platform;
  chatId: string;
}

/**
 * `{botId}:{platform}:{chatId}`, with the chat id percent-encoded so that any platform id
 * (negative numbers, colons, slashes, unicode) is safe in a workflow id and the key parses back.
 */
export function formatConversationKey({ botId, platform, chatId }: ConversationKey): string {
  return `${botId}:${platform}:${encodeURIComponent(chatId)}`;
}

export function conversationWorkflowId(key: ConversationKey): string {
  return `conversation:${formatConversationKey(key)}`;
}
