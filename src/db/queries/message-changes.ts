import { type Kysely, sql, type Transaction } from 'kysely';
import { applyReaction, type MessageChange, type ReplyRef } from '../../conversations/message-change';
import { threadChatId } from '../../conversations/shared-space';
import type { Database } from '../schema';

/**
 * Applies an edit, a delete or a reaction to the message the platform names: a person's message
 * by its native id; for a reaction, else one of the bot's replies. False when no such message is
 * stored (one sent before the bot joined, or to another bot): nothing changes.
 */
export async function applyMessageChange(db: Kysely<Database>, args: { botId: string; platform: string; change: MessageChange }): Promise<boolean> {
  const { change } = args;
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('messages')
      .select(['id', 'text', 'previous_texts', 'reactions', 'deleted_at', 'platform_message_id'])
      .where('bot_id', '=', args.botId)
      .where('platform', '=', args.platform)
      .where('direction', '=', 'inbound')
      .where('native_id', '=', change.ref)
      .forUpdate()
      .executeTakeFirst();
    if (!row) {
      if (change.kind !== 'reaction') return false;
      const reply = await lockReply(tx, { botId: args.botId, platform: args.platform, reply: change.reply });
      if (!reply) return false;
      await tx.updateTable('messages').set({ reactions: JSON.stringify(applyReaction(reply.reactions, change)) }).where('id', '=', reply.id).execute();
      return true;
    }
    switch (change.kind) {
      case 'edit': {
        // A deleted message stays deleted; an edit that changes nothing keeps no version.
        if (row.deleted_at || change.text === row.text) return true;
        const previous = [...row.previous_texts, { text: row.text, replacedAt: new Date().toISOString() }];
        await tx.updateTable('messages').set({ text: change.text, previous_texts: JSON.stringify(previous), edited_at: sql`now()` }).where('id', '=', row.id).execute();
        return true;
      }
      case 'delete':
        // Erased for privacy: the text, every earlier version, and the files kept from it (with a
        // voice note's transcript). Its reactions go with it, as they do on the platform.
        await tx
          .updateTable('messages')
          .set({ text: '', previous_texts: '[]', attachments: '[]', reactions: '[]', deleted_at: sql`coalesce(deleted_at, now())` })
          .where('id', '=', row.id)
          .execute();
        await tx.deleteFrom('media').where('bot_id', '=', args.botId).where('platform', '=', args.platform).where('platform_message_id', '=', row.platform_message_id!).execute();
        return true;
      case 'reaction':
        await tx.updateTable('messages').set({ reactions: JSON.stringify(applyReaction(row.reactions, change)) }).where('id', '=', row.id).execute();
        return true;
    }
  });
}

/**
 * The bot's reply that sent the part the platform names, in the chat (or one of its threads) the
 * reaction came from: a part's id is unique only within its chat on Telegram and Slack.
 */
async function lockReply(tx: Transaction<Database>, args: { botId: string; platform: string; reply: ReplyRef }) {
  const threads = threadChatId(args.reply.chatId, '');
  return tx
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.reactions'])
    .where('conversations.bot_id', '=', args.botId)
    .where('conversations.platform', '=', args.platform)
    .where((eb) => eb.or([eb('conversations.chat_id', '=', args.reply.chatId), sql<boolean>`starts_with(conversations.chat_id, ${threads})`]))
    .where('messages.direction', '=', 'outbound')
    .where(sql<boolean>`messages.delivery_ids ? ${args.reply.platformMessageId}`)
    .forUpdate('messages')
    .executeTakeFirst();
}
