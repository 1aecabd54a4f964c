import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes, so operators can filter conversations in the Temporal Web UI. */
export const BotIdAttribute = defineSearchAttributeKey('BotId', SearchAttributeType.KEYWORD);
export const PlatformAttribute = defineSearchAttributeKey('Platform', SearchAttributeType.KEYWORD);
export const ConversationStatusAttribute = defineSearchAttributeKey('ConversationStatus', SearchAttributeType.KEYWORD);
export const ChatIdAttribute = defineSearchAttributeKey('ChatId', SearchAttributeType.KEYWORD);

export const CONVERSATION_SEARCH_ATTRIBUTES = [
  BotIdAttribute,
  PlatformAttribute,
  ConversationStatusAttribute,
  ChatIdAttribute,
] as const;
