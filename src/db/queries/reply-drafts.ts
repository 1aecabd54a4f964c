import type { Choice } from '../../conversations/choices';
import type { OutboundAttachment } from '../../conversations/outbound-attachment';
import type { Kysely, Selectable } from 'kysely';
import type { ModelUsage } from '../../model/model-usage';
import type { Database, ReplyDraftsTable } from '../schema';

export type ReplyDraftRow = Selectable<ReplyDraftsTable>;

interface DraftKey {
  conversationId: string;
  outboundKey: string;
}

/**
 * Stores a reply before its first part is sent. If an earlier attempt of the same turn stored one
 * (a zombie attempt on a partitioned worker can race a retry), that one wins, so every attempt
 * sends the same text.
 */
export async function saveReplyDraft(
  db: Kysely<Database>,
  draft: DraftKey & { text: string; kind: ReplyDraftRow['kind']; usage: ModelUsage[]; moderationFlags: number; attachments: OutboundAttachment[]; choices: Choice[] },
): Promise<ReplyDraftRow> {
  const inserted = await db
    .insertInto('reply_drafts')
    .values({
      conversation_id: draft.conversationId,
      outbound_key: draft.outboundKey,
      text: draft.text,
      kind: draft.kind,
      usage: JSON.stringify(draft.usage),
      moderation_flags: draft.moderationFlags,
      attachments: JSON.stringify(draft.attachments),
      choices: JSON.stringify(draft.choices),
    })
    .onConflict((oc) => oc.columns(['conversation_id', 'outbound_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return inserted ?? (await findReplyDraft(db, draft))!;
}

export async function findReplyDraft(db: Kysely<Database>, key: DraftKey): Promise<ReplyDraftRow | undefined> {
  return db
    .selectFrom('reply_drafts')
    .selectAll()
    .where('conversation_id', '=', key.conversationId)
    .where('outbound_key', '=', key.outboundKey)
    .executeTakeFirst();
}

/** Counts a part as sent, with the platform's ids of every part sent so far. */
export async function markDraftPartsSent(
  db: Kysely<Database>,
  args: DraftKey & { partsSent: number; deliveryIds: string[] },
): Promise<void> {
  await db
    .updateTable('reply_drafts')
    .set({ parts_sent: args.partsSent, delivery_ids: JSON.stringify(args.deliveryIds) })
    .where('conversation_id', '=', args.conversationId)
    .where('outbound_key', '=', args.outboundKey)
    .execute();
}

export async function deleteReplyDraft(db: Kysely<Database>, key: DraftKey): Promise<void> {
  await db
    .deleteFrom('reply_drafts')
    .where('conversation_id', '=', key.conversationId)
    .where('outbound_key', '=', key.outboundKey)
    .execute();
}
