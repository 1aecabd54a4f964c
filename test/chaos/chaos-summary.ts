import type { ChaosResult } from './chaos-scenario';
import type { DeliveryReport } from './verify-deliveries';

/** The promise holds when nothing was lost, nothing came out of order, and every duplicate is explained. */
export function chaosPassed(report: DeliveryReport): boolean {
  return (
    report.lost.length === 0 &&
    report.outOfOrder.length === 0 &&
    report.duplicates.unexplained.length === 0 &&
    report.databaseMismatches.length === 0
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The summary `npm run chaos` prints. */
export function formatChaosSummary(result: ChaosResult): string {
  const { options, report, faults } = result;
  const kills = faults.filter((f) => f.kind === 'worker-kill').length;
  const apiKills = faults.filter((f) => f.kind === 'api-kill').length;
  const temporalDowntime = pairDurations(faults, 'temporal-down', 'temporal-up');
  const postgresDowntime = pairDurations(faults, 'postgres-down', 'postgres-up');
  const retries = Object.values(result.webhookRetries).reduce((a, b) => a + b, 0);
  const retryDetail = Object.entries(result.webhookRetries).map(([status, n]) => `${status}: ${n}`).join(', ');
  const duplicates = report.duplicates.explained.length + report.duplicates.unexplained.length;
  const start = Math.min(...result.workerLives.map((l) => l.startedAt), ...faults.map((f) => f.at));
  const at = (ms: number) => `+${seconds(ms - start)}`;
  const sample = <T>(items: T[], show: (item: T) => string, limit = 10) => [
    ...items.slice(0, limit).map((item) => `  ${show(item)}`),
    ...(items.length > limit ? [`  … and ${items.length - limit} more`] : []),
  ];

  const lines = [
    '',
    `Chaos run: ${options.conversations} conversations × ${options.messagesPerConversation} messages = ${report.messages} Telegram webhooks, in ${seconds(result.durationMs)}`,
    `Processes: ${result.acceptedByApi.length} API (webhooks taken: ${result.acceptedByApi.join(' + ')}) and ${options.workers ?? 2} workers, on one Temporal and one PostgreSQL`,
    `Faults: ${kills} worker SIGKILLs; ${apiKills} API SIGKILLs; ${temporalDowntime.length} Temporal restart(s)${temporalDowntime.length ? ` (down ${temporalDowntime.map(seconds).join(', ')})` : ''}; ` +
      `Postgres ${postgresDowntime.length ? `down ${postgresDowntime.map(seconds).join(', ')}` : 'never stopped'}; ` +
      `model 429/500 on ${Math.round(options.modelFailureRate * 100)}% (${result.modelErrorsInjected} calls); ` +
      `Telegram 429 with retry_after on ${Math.round(options.platformRateLimitRate * 100)}% (${result.platformRateLimitsInjected} calls)`,
    `Webhook deliveries retried by the platform: ${retries}${retryDetail ? ` (${retryDetail})` : ''}; accepted ${report.accepted}/${report.messages}; answered ${report.answered}`,
    '',
    `  messages lost                          ${report.lost.length}`,
    `  duplicate replies                      ${duplicates} (explained by a kill after the send: ${report.duplicates.explained.length}, unexplained: ${report.duplicates.unexplained.length})`,
    `  replies out of order                   ${report.outOfOrder.length}`,
    `  database rows not matching the sends   ${report.databaseMismatches.length}`,
    `  answered with the fallback reply       ${report.fallbackAnswers}`,
    `  time to drain after the last fault     ${report.drainMs === undefined ? 'did not drain' : seconds(report.drainMs)}`,
  ];
  if (report.duplicates.explained.length > 0) {
    lines.push('', 'Explained duplicates (Telegram has no idempotency key: a send the platform took but whose activity never reported back is sent again):');
    lines.push(...sample(report.duplicates.explained, (d) => `chat ${d.chatId} "${d.text}" at ${at(d.firstAt)}: ${d.explanation}`));
  }
  if (report.duplicates.unexplained.length > 0) {
    lines.push('', 'Unexplained duplicates:');
    lines.push(...sample(report.duplicates.unexplained, (d) => `chat ${d.chatId} "${d.text}" at ${at(d.firstAt)} and ${at(d.againAt)}`));
  }
  if (report.lost.length > 0) lines.push('', 'Lost:', ...sample(report.lost, (l) => `chat ${l.chatId} "${l.text}": ${l.reason}`));
  if (report.outOfOrder.length > 0) lines.push('', 'Out of order:', ...sample(report.outOfOrder, (o) => `chat ${o.chatId} "${o.text}": ${o.detail}`));
  if (report.databaseMismatches.length > 0) lines.push('', 'Database mismatches:', ...sample(report.databaseMismatches, (m) => m));
  if (report.fallbackAnswers > 0) {
    lines.push('', 'Fallback replies are the designed answer when the model fails past its retries (4 attempts); they are tied to their messages through the stored outbound key.');
  }
  lines.push('', chaosPassed(report) ? 'PASS: nothing lost, nothing out of order, no unexplained duplicate.' : 'FAIL', '');
  return lines.join('\n');
}

function pairDurations(faults: ChaosResult['faults'], down: string, up: string): number[] {
  const durations: number[] = [];
  for (const event of faults.filter((f) => f.kind === down)) {
    const back = faults.find((f) => f.kind === up && f.at >= event.at);
    if (back) durations.push(back.at - event.at);
  }
  return durations;
}
