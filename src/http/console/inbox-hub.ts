import type { Kysely } from 'kysely';
import type { SSEMessage } from 'hono/streaming';
import { type InboxFilters, type InboxRow, listInbox } from '../../db/queries/inbox';
import type { Database } from '../../db/schema';
import type { MessageFeed } from '../../realtime/message-feed';

/** Notices within this window are answered together: a burst of messages re-renders a row once. */
const COALESCE_MS = 100;

/** One open inbox: what it shows, and where its events go. */
export interface InboxWatch {
  filters: InboxFilters;
  /** The key's bots, when it is limited to some. */
  onlyBots: string[] | undefined;
  send(event: SSEMessage): void;
}

/**
 * The live inbox's one listener per process. Every open inbox registers its filters and scope; for
 * each conversation that changed, the hub asks once per distinct view (filters and scope) whether
 * the conversation is in it, renders its row once, and sends it to every inbox with that view, or
 * its removal. Twenty operators on the same view cost one query per change, not twenty.
 */
export function createInboxHub({ db, feed, renderRow }: { db: Kysely<Database>; feed: MessageFeed; renderRow: (row: InboxRow) => Promise<string> }) {
  const watches = new Set<InboxWatch>();
  let unsubscribe: (() => void) | undefined;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  // One flush at a time, in order: a later change's row never overtakes an earlier one's.
  let flushing = Promise.resolve();

  function onNotice(notice?: { conversationId: string }) {
    // After the feed reconnected, changes may have been missed: every inbox reloads its list.
    if (!notice) {
      for (const watch of watches) watch.send({ event: 'resync', data: '{}' });
      return;
    }
    pending.add(notice.conversationId);
    timer ??= setTimeout(() => {
      timer = undefined;
      const ids = [...pending];
      pending = new Set();
      flushing = flushing.then(() => flush(ids)).catch(() => undefined);
    }, COALESCE_MS);
  }

  async function flush(ids: string[]) {
    const views = new Map<string, InboxWatch[]>();
    for (const watch of watches) {
      const key = JSON.stringify([watch.filters, watch.onlyBots ?? null]);
      const group = views.get(key);
      if (group) group.push(watch);
      else views.set(key, [watch]);
    }
    for (const id of ids) {
      // Whether each scope may see the conversation at all, asked once per scope.
      const visible = new Map<string, Promise<boolean>>();
      for (const group of views.values()) {
        const { filters, onlyBots } = group[0]!;
        const [row] = await listInbox(db, { ...filters, onlyBots, onlyId: id, limit: 1 }).catch(() => []);
        let event: SSEMessage | undefined;
        if (row) {
          event = { event: 'row', data: JSON.stringify({ id, activityAt: row.activityAt.toISOString(), html: await renderRow(row) }) };
        } else {
          // Removed only where the key may see it: another bot's conversation is never named, not even by id.
          const scope = JSON.stringify(onlyBots ?? null);
          if (!visible.has(scope)) visible.set(scope, inScope(id, onlyBots));
          if (await visible.get(scope)) event = { event: 'remove', data: JSON.stringify({ id }) };
        }
        if (event) for (const watch of group) if (watches.has(watch)) watch.send(event);
      }
    }
  }

  async function inScope(id: string, onlyBots: string[] | undefined): Promise<boolean> {
    if (!onlyBots) return true;
    const [row] = await listInbox(db, { onlyBots, onlyId: id, limit: 1 }).catch(() => []);
    return row !== undefined;
  }

  return {
    /** Starts sending `watch` its inbox's changes; returns the function that stops. */
    watch(watch: InboxWatch): () => void {
      watches.add(watch);
      unsubscribe ??= feed.subscribeAll(onNotice);
      return () => {
        watches.delete(watch);
        if (watches.size > 0) return;
        unsubscribe?.();
        unsubscribe = undefined;
      };
    },
  };
}

export type InboxHub = ReturnType<typeof createInboxHub>;
