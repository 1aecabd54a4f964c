import type { Role } from '../../../auth/roles';
import { roleAllows } from '../../../auth/roles';
import type { ConversationRow } from '../../../db/queries/conversations';
import type { CannedResponseRow, NoteRow } from '../../../db/queries/console-notes';
import type { Message } from '../../routes/conversation-views';
import { formatInstant } from '../format';
import { ActionButton, CsrfField, Layout, type PageContext } from './layout';

const AUTHOR = { user: 'Person', bot: 'Bot', agent: 'Operator' } as const;

export interface ConversationPageProps {
  page: PageContext;
  conversation: ConversationRow;
  messages: Message[];
  notes: NoteRow[];
  canned: CannedResponseRow[];
  /** The workflow in the Temporal Web UI. */
  workflowUrl: string;
  /** A fresh idempotency key for the reply form: a double submit sends once. */
  replyId: string;
}

/** One conversation: its transcript (live), what an operator can do, canned responses and private notes. */
export function ConversationPage(props: ConversationPageProps) {
  const { conversation: row, page } = props;
  const acts = roleAllows(page.actor.role as Role, 'operator');
  const mine = row.assigned_to === page.actor.id;
  const base = `/console/conversations/${row.id}`;
  const lastSeq = props.messages.at(-1)?.seq ?? '0';
  return (
    <Layout title={`${row.person_name ?? row.chat_id} · ${row.bot_id}`} page={page} active="inbox" scripts={['/console/assets/conversation.js']}>
      <p>
        <a href="/console/inbox">← Inbox</a>
      </p>
      <header class="conversation-head">
        <h1>
          {row.person_name ?? row.chat_id} <span class="muted">· {row.bot_id} · {row.platform}</span>
        </h1>
        <p class="conversation-state" id="conversation-state" data-status={row.status}>
          <span class={`badge status-${row.status}`}>{row.status}</span>{' '}
          {row.assigned_name ? <span class="badge assigned">with {mine ? 'you' : row.assigned_name}</span> : <span class="muted">unassigned</span>}{' '}
          <a href={props.workflowUrl} target="_blank" rel="noopener noreferrer">
            Workflow in Temporal
          </a>
        </p>
        {row.last_error && (
          <p class="flash error">
            Last failure: {row.last_error.type}: {row.last_error.message}
          </p>
        )}
      </header>
      {acts ? (
        row.status !== 'ended' && (
          <div class="actions" aria-label="Conversation actions" role="group">
            {!row.assigned_to && <ActionButton action={`${base}/take`} label="Assign to me" csrfToken={page.csrfToken} />}
            {row.status === 'active' && <ActionButton action={`${base}/take-over`} label="Take over" csrfToken={page.csrfToken} kind="primary" />}
            {row.status === 'handoff' && <ActionButton action={`${base}/release`} label="Release to the bot" csrfToken={page.csrfToken} />}
            {mine && <ActionButton action={`${base}/unassign`} label="Unassign me" csrfToken={page.csrfToken} />}
            <ActionButton action={`${base}/end`} label="End" csrfToken={page.csrfToken} kind="danger" />
          </div>
        )
      ) : (
        <p class="muted">You are signed in as a viewer: you can read, not act.</p>
      )}
      <div class="conversation-body">
        <section aria-labelledby="transcript-title" class="transcript-section">
          <h2 id="transcript-title">Transcript</h2>
          <ol id="transcript" class="transcript" data-events={`${base}/events?after=${lastSeq}`} aria-live="polite">
            {props.messages.map((message) => (
              <MessageItem message={message} />
            ))}
          </ol>
          {acts && row.status === 'handoff' && (
            <form method="post" action={`${base}/reply`} class="composer" id="reply-form">
              <CsrfField token={page.csrfToken} />
              <input type="hidden" name="messageId" value={props.replyId} />
              {props.canned.length > 0 && (
                <div class="field">
                  <label for="canned">Insert a canned response (Alt+1 to Alt+9)</label>
                  <select id="canned">
                    <option value="">Choose…</option>
                    {props.canned.map((canned, index) => (
                      <option value={canned.text}>{index < 9 ? `${index + 1}. ${canned.title}` : canned.title}</option>
                    ))}
                  </select>
                </div>
              )}
              <label for="reply-text">Reply to the person</label>
              <textarea id="reply-text" name="text" rows={3} required maxlength={4000}></textarea>
              <button type="submit" class="primary" id="reply-send">
                Send reply
              </button>
            </form>
          )}
          {acts && row.status === 'active' && <p class="muted">The bot is answering. Take over to reply yourself.</p>}
        </section>
        <aside aria-labelledby="notes-title" class="notes">
          <h2 id="notes-title">Private notes</h2>
          <p class="muted">Only operators see these; they are never sent.</p>
          <ul id="notes">
            {props.notes.map((note) => (
              <li class="note">
                <p class="note-text">{note.text}</p>
                <p class="muted">
                  {note.author}, <time datetime={note.created_at.toISOString()}>{formatInstant(note.created_at)}</time>
                </p>
              </li>
            ))}
          </ul>
          {acts && (
            <form method="post" action={`${base}/notes`}>
              <CsrfField token={page.csrfToken} />
              <label for="note-text">Add a note</label>
              <textarea id="note-text" name="text" rows={2} required maxlength={4000}></textarea>
              <button type="submit">Save note</button>
            </form>
          )}
        </aside>
      </div>
    </Layout>
  );
}

/** Each emoji once, with how many people reacted with it, in the order they first came. */
export function reactionCounts(reactions: ReadonlyArray<{ emoji: string }>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const { emoji } of reactions) counts.set(emoji, (counts.get(emoji) ?? 0) + 1);
  return [...counts];
}

/** One message of the transcript; also sent alone over the conversation's event stream. */
export function MessageItem({ message }: { message: Message }) {
  const failed = message.status === 'failed';
  return (
    <li id={`m-${message.id}`} class={`message author-${message.author}`} data-seq={message.seq} data-author={message.author}>
      <p class="message-head">
        {message.author === 'user' && message.userName ? (
          <>
            <strong>{message.userName}</strong> <span class="muted">person</span>
          </>
        ) : (
          <strong>{AUTHOR[message.author]}</strong>
        )}
        {message.kind !== 'message' && message.kind !== 'reply' && <span class="badge">{message.kind}</span>}
        {message.understanding && (
          <>
            <span class={`badge sentiment-${message.understanding.sentiment}`}>{message.understanding.sentiment}</span>
            <span class="badge intent">intent: {message.understanding.intent}</span>
          </>
        )}
        {message.direction === 'outbound' && <span class={`badge delivery-${message.status}`}>{failed ? 'not delivered' : 'delivered'}</span>}
        {message.editedAt && !message.deleted && <span class="badge">edited</span>}
        <time datetime={message.createdAt}>{formatInstant(new Date(message.createdAt))}</time>
      </p>
      <p class="message-text">{message.deleted ? <em>deleted by the person</em> : message.text}</p>
      {message.previousTexts && message.previousTexts.length > 0 && (
        <details class="previous-texts">
          <summary>Before {message.previousTexts.length === 1 ? 'the edit' : `${message.previousTexts.length} edits`}</summary>
          <ol>
            {message.previousTexts.map((version) => (
              <li>{version.text}</li>
            ))}
          </ol>
        </details>
      )}
      {message.reactions.length > 0 && (
        <p class="reactions" aria-label="Reactions">
          {reactionCounts(message.reactions).map(([emoji, count]) => (
            <span class="badge">
              {emoji}
              {count > 1 ? ` ${count}` : ''}
            </span>
          ))}
        </p>
      )}
      {failed && message.error && (
        <p class="delivery-error" role="note">
          {message.error.type}: {message.error.message}
        </p>
      )}
      {message.attachments.length > 0 && (
        <ul class="attachments" aria-label="Attachments">
          {message.attachments.map((attachment) => (
            <li>
              {attachment.url ? <a href={attachment.url.replace(/^\/v1\/media\//, '/console/media/')}>{attachment.name ?? attachment.kind}</a> : <span>{attachment.name ?? attachment.text ?? attachment.kind} (not kept)</span>}
              {attachment.transcript && <span class="muted"> “{attachment.transcript}”</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
