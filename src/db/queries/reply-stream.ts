import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema';

/**
 * The Postgres channel that carries a reply while the model writes it, from the worker that runs
 * the turn to whichever API process holds the visitor's event stream. Nothing is stored: a
 * notification is a piece of a draft, or that the reply is being written ("typing…"), and the
 * stored reply replaces both.
 */
export const DRAFT_CHANNEL = 'reply_drafts_streamed';

export type DraftNotice = {
  conversationKey: string;
  /** The turn's reply. */
  outboundKey: string;
} & (
  | {
      /** A new id starts the draft over: a retried model call, or a retried turn. */
      draftId: string;
      offset: number;
      delta: string;
    }
  | { discard: true }
  /** The reply is being written (sent again while it is, each lasting `lastsMs`), or none is coming. */
  | { typing: { state: 'start' | 'stop'; lastsMs: number } }
);

export async function announceDraft(db: Kysely<Database>, notice: DraftNotice): Promise<void> {
  await sql`select pg_notify(${DRAFT_CHANNEL}, ${JSON.stringify(notice)})`.execute(db);
}
