import { conversationWorkflowId } from '../../src/conversations/conversation-key';
import { requestJson } from './http';
import type { TestStack } from './test-stack';
import { waitFor } from './wait-for';

/** Posts one message through the API channel, as an integrator would. */
export function postApiMessage(stack: TestStack, chatId: string, messageId: string, text: string, wait = false) {
  return requestJson(stack.baseUrl, `/v1/bots/${stack.botId}/messages${wait ? '?wait=true' : ''}`, {
    body: { chatId, userId: `user-of-${chatId}`, messageId, text },
  });
}

/** Stored messages of every conversation of one API-channel chat, in order. */
export async function chatMessages(stack: TestStack, chatId: string) {
  return stack.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.direction', 'messages.text', 'messages.kind', 'messages.status', 'messages.platform_message_id', 'messages.seq', 'messages.conversation_id'])
    .where('conversations.bot_id', '=', stack.botId)
    .where('conversations.chat_id', '=', chatId)
    .orderBy('messages.seq')
    .execute();
}

export async function waitForReplies(stack: TestStack, chatId: string, count: number, timeoutMs = 30_000) {
  return waitFor(
    `${count} replies in ${chatId}`,
    async () => {
      const rows = await chatMessages(stack, chatId);
      return rows.filter((row) => row.direction === 'outbound').length >= count && rows;
    },
    { timeoutMs },
  );
}

export function apiConversationHandle(stack: TestStack, chatId: string) {
  return stack.temporal.workflow.getHandle(conversationWorkflowId({ botId: stack.botId, platform: 'api', chatId }));
}

/** The user text of each chat-completion call, in order of arrival. */
export function modelInputs(stack: TestStack): string[] {
  return stack.fakeOpenAI.chatCalls().map((call) => {
    const content = lastUserContent(call.body);
    if (typeof content === 'string') return content;
    return content.flatMap((part) => (part.type === 'text' && part.text ? [part.text] : [])).join('\n');
  });
}

/** The images (data URLs) each model call was shown with the person's message. */
export function modelImages(stack: TestStack): string[][] {
  return stack.fakeOpenAI.chatCalls().map((call) => {
    const content = lastUserContent(call.body);
    return typeof content === 'string' ? [] : content.flatMap((part) => (part.type === 'image_url' && part.image_url ? [part.image_url.url] : []));
  });
}

type UserContent = string | Array<{ type: string; text?: string; image_url?: { url: string } }>;

function lastUserContent(body: { messages: Array<{ role: string; content: UserContent }> }): UserContent {
  const users = body.messages.filter((m) => m.role === 'user');
  return users[users.length - 1]?.content ?? '';
}
