import type { Kysely } from 'kysely';
import { formatConversationKey } from '../conversations/conversation-key';
import { announceDraft } from '../db/queries/reply-stream';
import type { Database } from '../db/schema';
import type { PlatformAdapter } from './platform-adapter';
import { PLATFORM_RULES } from './platform-rules';

/**
 * The web chat widget reads replies from the message store: storing a reply announces it on the
 * message channel, and each visitor's event stream forwards it. So sending is storing, which
 * `persistOutbound` does right after this step. "Typing…" goes the way of the reply's drafts:
 * a Postgres notification that the visitor's event stream (in whichever API process) forwards.
 */
export function createWebchatAdapter(deps: { db: Kysely<Database> }): PlatformAdapter {
  return {
    platform: 'webchat',
    async send() {
      return { platformMessageIds: [] };
    },
    async sendTyping({ key, outboundKey, state }) {
      const lastsMs = PLATFORM_RULES.webchat.typingLastsMs!;
      await announceDraft(deps.db, { conversationKey: formatConversationKey(key), outboundKey, typing: { state, lastsMs } });
    },
  };
}
