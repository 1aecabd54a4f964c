import type { AnalyticsSummary } from '../../../db/queries/analytics';
import type { DailyActivity } from '../../../db/queries/analytics-series';
import { formatMs, formatUsd } from '../format';
import { Layout, type PageContext, SelectField } from './layout';

export interface AnalyticsView {
  botId: string | undefined;
  platform: string | undefined;
  from: string;
  to: string;
}

/** A chart as `charts.js` draws it: one line per series over the days. */
interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: Array<{ label: string; values: Array<number | null> }>;
}

function chartsOf(days: DailyActivity[]): ChartSpec[] {
  const pick = (key: keyof DailyActivity) => days.map((day) => day[key] as number | null);
  return [
    { id: 'conversations', title: 'Conversations started and ended', unit: 'conversations', series: [{ label: 'started', values: pick('started') }, { label: 'ended', values: pick('ended') }] },
    { id: 'messages', title: 'Messages in and out', unit: 'messages', series: [{ label: 'in', values: pick('messagesIn') }, { label: 'out', values: pick('messagesOut') }] },
    {
      id: 'reply-time',
      title: 'Time to reply',
      unit: 'ms',
      series: [{ label: 'bot p50', values: pick('replyP50Ms') }, { label: 'bot p95', values: pick('replyP95Ms') }, { label: 'first human reply p50', values: pick('firstHumanReplyP50Ms') }],
    },
    { id: 'handoffs', title: 'Handoffs and moderation flags', unit: 'count', series: [{ label: 'handoffs', values: pick('handoffs') }, { label: 'moderation flags', values: pick('moderationFlags') }] },
    { id: 'tokens', title: 'Model tokens', unit: 'tokens', series: [{ label: 'tokens', values: pick('modelTokens') }] },
    { id: 'cost', title: 'Cost', unit: 'USD', series: [{ label: 'cost (USD)', values: pick('costUsd') }] },
    { id: 'sentiment', title: "People's sentiment", unit: 'messages', series: [{ label: 'negative', values: pick('negative') }, { label: 'neutral', values: pick('neutral') }, { label: 'positive', values: pick('positive') }] },
  ];
}

/** The dashboard: a bot, a platform and a window; figures from the summary and charts from the per-day series. */
export function AnalyticsPage(props: { page: PageContext; view: AnalyticsView; bots: string[]; platforms: readonly string[]; summary?: AnalyticsSummary; days: DailyActivity[]; error?: string }) {
  const { view, summary } = props;
  const messagesIn = summary?.messages.reduce((sum, row) => sum + row.in, 0) ?? 0;
  const messagesOut = summary?.messages.reduce((sum, row) => sum + row.out, 0) ?? 0;
  return (
    <Layout title="Analytics" page={props.page} active="analytics" scripts={['/console/assets/charts.js']} styles={['/console/assets/uplot.css']}>
      <h1>Analytics</h1>
      <form method="get" action="/console/analytics" class="filters" aria-label="Choose what to show">
        <SelectField name="bot" label="Bot" options={props.bots} selected={view.botId} />
        <SelectField name="platform" label="Platform" options={props.platforms} selected={view.platform} any="All" />
        <div class="field">
          <label for="from">From (UTC)</label>
          <input id="from" name="from" type="date" value={view.from} required />
        </div>
        <div class="field">
          <label for="to">To, included (UTC)</label>
          <input id="to" name="to" type="date" value={view.to} required />
        </div>
        <button type="submit" class="primary">
          Show
        </button>
      </form>
      {props.error && (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      )}
      {!view.botId && <p class="empty">No bot to show.</p>}
      {summary && (
        <>
          <ul class="figures" aria-label="Totals over the window">
            <Figure label="Conversations started" value={summary.conversations.started} />
            <Figure label="Conversations ended" value={summary.conversations.ended} />
            <Figure label="Messages in" value={messagesIn} />
            <Figure label="Messages out" value={messagesOut} />
            <Figure label="Time to reply, p50" value={formatMs(summary.timeToReplyMs.median)} />
            <Figure label="Time to reply, p95" value={formatMs(summary.timeToReplyMs.p95)} />
            <Figure label="Handoffs" value={summary.conversations.handoffs} />
            <Figure label="Moderation flags" value={summary.moderationFlags} />
            <Figure label="Model tokens" value={summary.modelTokens.toLocaleString('en')} />
            <Figure label="Cost" value={formatUsd(summary.costUsd)} />
            <Figure label="Negative / neutral / positive" value={`${summary.understanding.sentiment.negative} / ${summary.understanding.sentiment.neutral} / ${summary.understanding.sentiment.positive}`} />
          </ul>
          <div class="charts" id="charts" data-days={JSON.stringify(props.days.map((day) => day.day))}>
            {chartsOf(props.days).map((chart) => (
              <figure class="chart" id={`chart-${chart.id}`} data-chart={JSON.stringify(chart)}>
                <h2>{chart.title}</h2>
                <div class="chart-canvas" role="img" aria-label={`${chart.title}, by day; the numbers are in the table below`}></div>
              </figure>
            ))}
          </div>
          <h2>Intents</h2>
          {summary.understanding.intents.length === 0 ? (
            <p class="empty">No message was understood in this window.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Intent</th>
                    <th scope="col">Messages</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.understanding.intents.map((row) => (
                    <tr>
                      <td>{row.intent}</td>
                      <td>{row.messages}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <details>
            <summary>The numbers, day by day</summary>
            <div class="table-wrap">
              <table id="daily-table">
                <thead>
                  <tr>
                    {['Day', 'Started', 'Ended', 'In', 'Out', 'Reply p50', 'Reply p95', 'First human reply p50', 'Handoffs', 'Flags', 'Tokens', 'Cost (USD)', 'Negative'].map((name) => (
                      <th scope="col">{name}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {props.days.map((day) => (
                    <tr>
                      <th scope="row">{day.day}</th>
                      <td>{day.started}</td>
                      <td>{day.ended}</td>
                      <td>{day.messagesIn}</td>
                      <td>{day.messagesOut}</td>
                      <td>{formatMs(day.replyP50Ms)}</td>
                      <td>{formatMs(day.replyP95Ms)}</td>
                      <td>{formatMs(day.firstHumanReplyP50Ms)}</td>
                      <td>{day.handoffs}</td>
                      <td>{day.moderationFlags}</td>
                      <td>{day.modelTokens}</td>
                      <td>{day.costUsd.toFixed(4)}</td>
                      <td>{day.negative}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Layout>
  );
}

function Figure(props: { label: string; value: string | number }) {
  return (
    <li>
      <span class="muted">{props.label}</span>
      <strong>{props.value}</strong>
    </li>
  );
}
