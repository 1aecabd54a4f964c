import type { Logger } from 'pino';
import { Client } from 'pg';
import { CONVERSATION_CHANNEL } from '../db/queries/conversations';
import { MESSAGE_CHANNEL, type MessageNotice } from '../db/queries/messages';
import { DRAFT_CHANNEL, type DraftNotice } from '../db/queries/reply-stream';

/** Tells live streams (the web chat's server-sent events) that a conversation has new messages. */
export interface MessageFeed {
  /** Calls `listener` whenever a message is stored under `conversationKey`, and after any reconnect. */
  subscribe(conversationKey: string, listener: () => void): () => void;
  /** Calls `listener` with each piece of a reply the model is writing for `conversationKey`. */
  subscribeDrafts(conversationKey: string, listener: (draft: DraftNotice) => void): () => void;
  /**
   * Calls `listener` for every conversation that got a message or changed status or assignment (the
   * console's inbox), and with no notice after any reconnect, to catch up.
   */
  subscribeAll(listener: (notice?: MessageNotice) => void): () => void;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per process, shared by every stream. Postgres NOTIFY is sent in the same
 * transaction that stores the message, so a stream never hears of a message it cannot read yet.
 * When the connection drops it reconnects with backoff and wakes every listener to catch up.
 */
export function createMessageFeed({ connectionString, logger }: { connectionString: string; logger: Logger }): MessageFeed {
  const listeners = new Map<string, Set<() => void>>();
  const draftListeners = new Map<string, Set<(draft: DraftNotice) => void>>();
  const everyListener = new Set<(notice?: MessageNotice) => void>();
  let client: Client | undefined;
  let closed = false;
  let retryMs = 250;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const wakeAll = () => {
    listeners.forEach((set) => set.forEach((listener) => listener()));
    everyListener.forEach((listener) => listener());
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const next = new Client({ connectionString });
    next.on('error', (error) => logger.warn({ err: error }, 'Message feed connection failed'));
    next.on('end', () => {
      if (client === next) client = undefined;
      scheduleReconnect();
    });
    next.on('notification', (notification) => {
      if (!notification.payload) return;
      if (notification.channel === DRAFT_CHANNEL) {
        const draft = JSON.parse(notification.payload) as DraftNotice;
        draftListeners.get(draft.conversationKey)?.forEach((listener) => listener(draft));
        return;
      }
      const notice = JSON.parse(notification.payload) as MessageNotice;
      everyListener.forEach((listener) => listener(notice));
      if (notification.channel === CONVERSATION_CHANNEL) return;
      listeners.get(notice.conversationKey)?.forEach((listener) => listener());
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${MESSAGE_CHANNEL}`);
      await next.query(`LISTEN ${DRAFT_CHANNEL}`);
      await next.query(`LISTEN ${CONVERSATION_CHANNEL}`);
      // Closed while connecting: this connection must not outlive the feed.
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      retryMs = 250;
      wakeAll();
    } catch (error) {
      logger.warn({ err: error }, 'Message feed cannot connect; retrying');
      await next.end().catch(() => undefined);
      scheduleReconnect();
    }
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, retryMs);
    // A pending reconnect never keeps the process alive on its own.
    reconnectTimer.unref();
    retryMs = Math.min(retryMs * 2, 10_000);
  }

  void connect();

  return {
    subscribe: (conversationKey, listener) => addListener(listeners, conversationKey, listener),
    subscribeDrafts: (conversationKey, listener) => addListener(draftListeners, conversationKey, listener),
    subscribeAll(listener) {
      everyListener.add(listener);
      return () => void everyListener.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

function addListener<T>(listeners: Map<string, Set<T>>, conversationKey: string, listener: T): () => void {
  const set = listeners.get(conversationKey) ?? new Set();
  set.add(listener);
  listeners.set(conversationKey, set);
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(conversationKey);
  };
}
