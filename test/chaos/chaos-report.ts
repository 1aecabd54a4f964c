import { cpus, totalmem } from 'node:os';
import type { ChaosResult } from './chaos-scenario';
import { chaosPassed, formatChaosSummary } from './chaos-summary';

/**
 * The published record of one `npm run chaos`: what ran, the faults it injected when, and the
 * counts that matter (lost, duplicated, out of order, how long recovery took), with the printed
 * summary below for the details.
 */
export function formatChaosReport(result: ChaosResult, at: Date): string {
  const { options, report, faults } = result;
  const count = (kind: string) => faults.filter((f) => f.kind === kind).length;
  const start = Math.min(...faults.map((f) => f.at), ...result.workerLives.map((l) => l.startedAt), ...result.apiLives.map((l) => l.startedAt));
  const duplicates = report.duplicates.explained.length + report.duplicates.unexplained.length;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `# Chaos run ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${chaosPassed(report) ? '**Passed**' : '**Failed**'}: ${report.messages} signed Telegram webhooks (${options.conversations} conversations × ${options.messagesPerConversation} messages) ` +
      `spread over ${result.acceptedByApi.length} API processes, answered by ${options.workers ?? 2} worker processes, on one Temporal dev server and one PostgreSQL, ` +
      `${cpus().length} cores and ${Math.round(totalmem() / 2 ** 30)} GB, in ${seconds(result.durationMs)}.`,
    '',
    '| figure | count |',
    '|---|---|',
    `| messages accepted | ${report.accepted} of ${report.messages} |`,
    `| messages answered | ${report.answered} |`,
    `| **lost** | **${report.lost.length}** |`,
    `| **duplicate replies** | **${duplicates}** (${report.duplicates.explained.length} explained by a kill between the platform taking a send and its completion; ${report.duplicates.unexplained.length} unexplained) |`,
    `| **out of order** | **${report.outOfOrder.length}** |`,
    `| database rows not matching the sends | ${report.databaseMismatches.length} |`,
    `| answered with the fallback reply (the model failed past its retries) | ${report.fallbackAnswers} |`,
    `| **recovery**: from the last fault to the last message answered | **${report.drainMs === undefined ? 'did not drain' : seconds(report.drainMs)}** |`,
    `| webhooks taken by each API process | ${result.acceptedByApi.join(', ')} |`,
    '',
    '## Faults injected',
    '',
    `- ${count('worker-kill')} worker processes and ${count('api-kill')} API processes killed with SIGKILL, each restarted by its supervisor;`,
    `- ${count('temporal-down')} Temporal restart(s); PostgreSQL stopped ${count('postgres-down')} time(s) for ${seconds(options.postgresOutageMs)};`,
    `- the model answering 429 or 500 to ${Math.round(options.modelFailureRate * 100)}% of calls (${result.modelErrorsInjected} calls), Telegram answering 429 with retry_after to ${Math.round(options.platformRateLimitRate * 100)}% of sends (${result.platformRateLimitsInjected}).`,
    '',
    'When, from the first process start:',
    '',
    ...faults.map((f) => `- +${seconds(f.at - start)} ${f.kind}${f.detail ? ` (${f.detail})` : ''}`),
    '',
    '## As printed',
    '',
    '```',
    formatChaosSummary(result).trim(),
    '```',
    '',
  ];
  return lines.join('\n');
}
