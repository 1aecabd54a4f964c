/**
 * Conversations in shared spaces. A Slack thread and a Telegram forum topic are conversations of
 * their own: their chat id is the chat and the thread, `{chat}/{thread}`. A direct chat keeps the
 * bare chat id, as every conversation did before threads were told apart, so those keep their key.
 * Neither a Slack channel id nor a Telegram chat id contains `/`.
 */

const SEPARATOR = '/';

/** The chat id of one thread (or topic) of a chat. */
export function threadChatId(chat: string, thread: string): string {
  return `${chat}${SEPARATOR}${thread}`;
}

/** Where a conversation lives on its platform: the chat, and the thread when it is one. */
export function splitChatId(chatId: string): { chat: string; thread?: string } {
  const at = chatId.indexOf(SEPARATOR);
  if (at < 0) return { chat: chatId };
  return { chat: chatId.slice(0, at), thread: chatId.slice(at + 1) };
}
