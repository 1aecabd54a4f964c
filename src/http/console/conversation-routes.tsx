import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { type SSEMessage, streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { MAX_INBOUND_TEXT_LENGTH, normaliseText } from '../../conversations/normalise-inbound';
import type { ConversationRow } from '../../db/queries/conversations';
import { insertNote, listCannedResponses, listNotes } from '../../db/queries/console-notes';
import { assignConversation, unassignConversation } from '../../db/queries/inbox';
import { listMessages, type MessageRow } from '../../db/queries/messages';
import { mediaOfMessages } from '../../db/queries/media';
import { AppError } from '../app-error';
import { endConversation, releaseConversation, requireConversation, sendAgentMessage, takeOverConversation } from '../operator-actions';
import { createMediaRoutes } from '../routes/media';
import { toMessageView, withoutPreviousTexts } from '../routes/conversation-views';
import { roleAllows } from '../../auth/roles';
import type { ConsolePages } from './console-app';
import type { ConsoleEnv } from './console-env';
import { requireRole } from './console-session';
import { renderToString } from './inbox-routes';
import { ConversationPage, MessageItem } from './pages/conversation-page';

const TRANSCRIPT_LIMIT = 500;

const ReplyFormSchema = z.object({
  text: z.string().max(MAX_INBOUND_TEXT_LENGTH).transform((text) => normaliseText(text).trim()).pipe(z.string().min(1, 'Write something to send.')),
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
});
const NoteFormSchema = z.object({ text: z.string().max(4000).transform((text) => normaliseText(text).trim()).pipe(z.string().min(1, 'Write the note first.')) });

/** One conversation: the page, its live transcript, and what an operator does to it. */
export function createConversationPages({ db, temporal, feed, pageContext, flash, temporalUi }: ConsolePages & { temporalUi: { url: string; namespace: string } }) {
  const app = new Hono<ConsoleEnv>();
  app.route('/media', createMediaRoutes({ db }));

  /** The transcript as `c`'s key may read it: what a person said before an edit is for operators and admins. */
  async function messageViews(c: Context<ConsoleEnv>, row: ConversationRow, afterSeq?: string) {
    const rows = await listMessages(db, { conversationIds: [row.id], limit: TRANSCRIPT_LIMIT, ...(afterSeq && { afterSeq }) });
    const withMedia = rows.filter((m) => m.direction === 'inbound' && m.platform_message_id !== null && m.attachments.length > 0);
    const media = await mediaOfMessages(db, { botId: row.bot_id, platform: row.platform, platformMessageIds: withMedia.map((m: MessageRow) => m.platform_message_id!) });
    const views = rows.map((m) => toMessageView(m, media));
    return roleAllows(c.get('actor')!.role, 'operator') ? views : views.map(withoutPreviousTexts);
  }

  app.get('/conversations/:id', async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    const [messages, notes, canned] = await Promise.all([messageViews(c, row), listNotes(db, row.id), listCannedResponses(db, row.bot_id)]);
    const workflowUrl = `${temporalUi.url}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(row.workflow_id)}`;
    return c.html(<ConversationPage page={pageContext(c)} conversation={row} messages={messages} notes={notes} canned={canned} workflowUrl={workflowUrl} replyId={randomUUID()} />);
  });

  /** New messages as they are stored, and a `state` event when the status or the assignment changes. */
  app.get('/conversations/:id/events', async (c) => {
    const row = await requireConversation(db, c.req.param('id'), c);
    let cursor = c.req.query('after')?.match(/^\d+$/)?.[0] ?? c.req.header('last-event-id')?.match(/^\d+$/)?.[0];
    return streamSSE(c, async (stream) => {
      let writes = Promise.resolve();
      const send = (event: SSEMessage) => (writes = writes.then(() => stream.writeSSE(event)).catch(() => undefined));
      let noticed = true;
      let wake = () => undefined as void;
      const unsubscribe = feed.subscribeAll((notice) => {
        if (notice && notice.conversationId !== row.id) return;
        noticed = true;
        wake();
      });
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), 15_000);
      stream.onAbort(() => wake());
      let status = `${row.status}|${row.assigned_to ?? ''}`;
      try {
        while (!stream.aborted) {
          if (!noticed) await new Promise<void>((resolve) => (wake = resolve));
          noticed = false;
          const current = await requireConversation(db, row.id, c).catch(() => undefined);
          if (current && `${current.status}|${current.assigned_to ?? ''}` !== status) {
            status = `${current.status}|${current.assigned_to ?? ''}`;
            // The actions on the page depend on both: the page reloads itself to show the right ones.
            await send({ event: 'state', data: JSON.stringify({ status: current.status, assignedName: current.assigned_name }) });
          }
          const messages = await messageViews(c, row, cursor).catch(() => []);
          for (const message of messages) {
            await send({ id: message.seq, event: 'message', data: JSON.stringify({ id: message.id, seq: message.seq, html: await renderToString(<MessageItem message={message} />) }) });
            cursor = message.seq;
          }
        }
      } finally {
        clearInterval(keepAlive);
        unsubscribe();
      }
    });
  });

  /** Runs an operator's action on the conversation, then shows the conversation again with what happened. */
  function act(path: string, run: (c: Context<ConsoleEnv>, row: ConversationRow) => Promise<string>) {
    app.post(`/conversations/:id/${path}`, async (c) => {
      requireRole(c, 'operator');
      const row = await requireConversation(db, c.req.param('id'), c);
      const back = `/console/conversations/${row.id}`;
      try {
        return flash(c, back, { kind: 'notice', text: await run(c, row) });
      } catch (error) {
        if (error instanceof AppError && (error.code === 'conflict' || error.code === 'validation_failed')) return flash(c, back, { kind: 'error', text: error.message });
        throw error;
      }
    });
  }

  const actorOf = (c: Context<ConsoleEnv>) => c.get('actor')!;

  async function take(c: Context<ConsoleEnv>, row: ConversationRow): Promise<void> {
    const actor = actorOf(c);
    const result = await assignConversation(db, { conversationId: row.id, actorId: actor.id, actorName: actor.name });
    if (!result.taken) throw new AppError('conflict', `${result.assignedName ?? 'Another operator'} has this conversation already.`);
  }

  act('take', async (c, row) => {
    await take(c, row);
    return 'It is yours now.';
  });
  act('take-over', async (c, row) => {
    await take(c, row);
    await takeOverConversation(temporal, row, actorOf(c).name);
    return 'You have taken over: the bot is silent until you release it.';
  });
  act('release', async (c, row) => {
    await releaseConversation(temporal, row, actorOf(c).name);
    await unassignConversation(db, { conversationId: row.id, actorId: actorOf(c).id });
    return 'Released: the bot answers again.';
  });
  act('unassign', async (c, row) => {
    await unassignConversation(db, { conversationId: row.id, actorId: actorOf(c).id });
    return 'Unassigned: the conversation is no one’s now.';
  });
  act('end', async (_c, row) => {
    await endConversation(temporal, row);
    return 'The conversation is ending.';
  });
  act('reply', async (c, row) => {
    const form = ReplyFormSchema.safeParse(await c.req.parseBody());
    if (!form.success) throw new AppError('validation_failed', form.error.issues[0]?.message ?? 'Write something to send.');
    await sendAgentMessage(db, temporal, row, actorOf(c).name, { text: form.data.text, messageId: form.data.messageId });
    return 'Sent.';
  });
  act('notes', async (c, row) => {
    const form = NoteFormSchema.safeParse(await c.req.parseBody());
    if (!form.success) throw new AppError('validation_failed', form.error.issues[0]?.message ?? 'Write the note first.');
    await insertNote(db, { conversationId: row.id, author: actorOf(c).name, text: form.data.text });
    return 'Note saved; the person does not see it.';
  });

  return app;
}
