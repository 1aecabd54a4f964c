import type { InboxFilters, InboxRow } from '../../../db/queries/inbox';
import { formatInstant, formatWait, previewText } from '../format';
import { Layout, type PageContext, SelectField } from './layout';

export interface InboxView extends InboxFilters {
  mine?: boolean;
}

const AUTHOR = { user: 'Person', bot: 'Bot', agent: 'Operator' } as const;
const STATUSES = ['active', 'handoff', 'ended'] as const;

/** The inbox: filters, and the conversations, kept live by `inbox.js` over server-sent events. */
export function InboxPage(props: { page: PageContext; rows: InboxRow[]; filters: InboxView; bots: string[]; platforms: readonly string[]; eventsUrl: string; nextUrl?: string }) {
  const { filters } = props;
  return (
    <Layout title="Inbox" page={props.page} active="inbox" scripts={['/console/assets/inbox.js']}>
      <h1>Inbox</h1>
      <form method="get" action="/console/inbox" class="filters" role="search" aria-label="Filter conversations">
        <div class="field">
          <label for="q">Search messages</label>
          <input id="q" name="q" type="search" value={filters.search ?? ''} maxlength={200} />
        </div>
        <SelectField name="bot" label="Bot" options={props.bots} selected={filters.botId} any="Any" />
        <SelectField name="platform" label="Platform" options={props.platforms} selected={filters.platform} any="Any" />
        <SelectField name="status" label="Status" options={STATUSES} selected={filters.status} any="Any" />
        <fieldset class="checks">
          <legend>Show only</legend>
          <label>
            <input type="checkbox" name="waiting" value="1" checked={filters.waiting} /> Waiting for a human
          </label>
          <label>
            <input type="checkbox" name="negative" value="1" checked={filters.negative} /> Negative sentiment
          </label>
          <label>
            <input type="checkbox" name="mine" value="1" checked={filters.mine} /> Mine
          </label>
        </fieldset>
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      <p class="live">
        <span id="inbox-connection">Live updates need JavaScript: reload to see new messages.</span> <span id="inbox-live" role="status" aria-live="polite"></span>
      </p>
      {props.rows.length === 0 && <p class="empty">No conversation matches.</p>}
      <ul id="inbox" class="inbox" data-events={props.eventsUrl} aria-label="Conversations">
        {props.rows.map((row) => (
          <InboxItem row={row} />
        ))}
      </ul>
      {props.nextUrl && (
        <p>
          <a href={props.nextUrl}>Older conversations</a>
        </p>
      )}
    </Layout>
  );
}

/** One conversation in the inbox; also sent alone over the inbox's event stream when it changes. */
export function InboxItem({ row }: { row: InboxRow }) {
  return (
    <li id={`c-${row.id}`} class="inbox-item" data-activity={row.activityAt.toISOString()}>
      <a href={`/console/conversations/${row.id}`} class="inbox-link">
        <span class="inbox-title">
          {row.personName ?? row.chatId}
          <span class="muted">
            {' '}
            · {row.botId} · {row.platform}
          </span>
        </span>
        <span class="inbox-preview">
          {row.lastAuthor && <span class="muted">{AUTHOR[row.lastAuthor]}: </span>}
          {previewText(row.lastText)}
        </span>
      </a>
      <span class="inbox-meta">
        <span class={`badge status-${row.status}`}>{row.status}</span>
        {row.waitingMs !== null && <span class="badge waiting">waiting {formatWait(row.waitingMs)}</span>}
        {row.negative && <span class="badge negative">negative</span>}
        {row.assignedName && <span class="badge assigned">with {row.assignedName}</span>}
        <time datetime={row.activityAt.toISOString()}>{formatInstant(row.activityAt)}</time>
      </span>
    </li>
  );
}
