import { type Kysely, sql } from 'kysely';
import { applyReaction, type MessageChange } from '../../conversations/message-change';
import type { Database } from '../schema';

/**
 * Applies an edit, a delete or a reaction to the inbound message the platform names. False when no
 * such message is stored (one sent before the bot joined, or to another bot): nothing changes.
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
    if (!row) return false;
    switch (change.kind) {
      case 'edit': {
        // A deleted message stays deleted; an edit that changes nothing keeps no version.
        if (row.deleted_at || change.text === row.text) return true;
        const previous = [...row.previous_texts, { text: row.text, replacedAt: new Date().toISOString() }];
        await tx.updateTable('messages').set({ text: change.text, previous_texts: JSON.stringify(previous), edited_at: sql`now()` }).where('id', '=', row.id).execute();
        return true;
      }
      case 'delete':
        // Erased for privacy: the text, every earlier version, and the files kept from it.
        await tx
          .updateTable('messages')
          .set({ text: '', previous_texts: '[]', attachments: '[]', deleted_at: sql`coalesce(deleted_at, now())` })
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
