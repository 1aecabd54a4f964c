import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../../../db/schema';
import { formatInstant } from '../format';
import { Layout, type PageContext } from './layout';

export interface AuditView {
  actor: string;
  action: string;
  failed: boolean;
  from: string;
  to: string;
}

/** The audit log: every change made through `/v1` and the console, filterable, newest first. */
export function AuditPage(props: { page: PageContext; view: AuditView; entries: Array<Selectable<AuditLogTable>>; nextUrl?: string }) {
  const { view } = props;
  return (
    <Layout title="Audit" page={props.page} active="audit">
      <h1>Audit log</h1>
      <form method="get" action="/console/audit" class="filters" aria-label="Filter the audit log">
        <div class="field">
          <label for="actor">Who</label>
          <input id="actor" name="actor" value={view.actor} maxlength={200} />
        </div>
        <div class="field">
          <label for="action">What</label>
          <input id="action" name="action" value={view.action} maxlength={200} />
        </div>
        <div class="field">
          <label for="from">From (UTC)</label>
          <input id="from" name="from" type="date" value={view.from} />
        </div>
        <div class="field">
          <label for="to">To, included (UTC)</label>
          <input id="to" name="to" type="date" value={view.to} />
        </div>
        <label class="inline-check">
          <input type="checkbox" name="failed" value="1" checked={view.failed} /> Refused or failed only
        </label>
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      {props.entries.length === 0 ? (
        <p class="empty">No entry matches.</p>
      ) : (
        <div class="table-wrap">
          <table id="audit">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Status</th>
                <th scope="col">Request</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((entry) => (
                <tr>
                  <td>
                    <time datetime={entry.created_at.toISOString()}>{formatInstant(entry.created_at)}</time>
                  </td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.status}</td>
                  <td class="muted">{entry.request_id ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextUrl && (
        <p>
          <a href={props.nextUrl}>Older entries</a>
        </p>
      )}
    </Layout>
  );
}
