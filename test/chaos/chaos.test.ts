import { runChaosScenario } from './chaos-scenario';
import { useTestRunServers } from './chaos-servers';
import { formatChaosSummary } from './chaos-summary';

/**
 * `npm run chaos` in small, on the run's shared servers: webhooks spread over two API processes,
 * two workers, one of each SIGKILLed under load, Postgres cut off for a few seconds, the model and
 * Telegram failing at random throughout.
 */
describe('the product under faults', () => {
  it('answers every accepted message once, in order, through an API kill, a worker kill and a database outage, with two of each', async () => {
    const result = await runChaosScenario({
      conversations: 10,
      messagesPerConversation: 5,
      loadMs: 20_000,
      workerKillEveryMs: [3_000, 6_000],
      maxWorkerKills: 1,
      temporalRestarts: 0,
      postgresOutageMs: 4_000,
      modelFailureRate: 0.2,
      platformRateLimitRate: 0.1,
      drainTimeoutMs: 150_000,
      apis: 2,
      workers: 2,
      apiKills: 1,
      servers: useTestRunServers,
    });
    const { report, faults } = result;
    // The summary is the first thing to read when this fails.
    const summary = formatChaosSummary(result);

    expect({ kills: faults.filter((f) => f.kind === 'worker-kill').length, summary }).toMatchObject({ kills: 1 });
    expect({ apiKills: faults.filter((f) => f.kind === 'api-kill').length, summary }).toMatchObject({ apiKills: 1 });
    // Both instances took webhooks.
    expect(result.acceptedByApi.every((n) => n > 0)).toBe(true);
    expect(faults.map((f) => f.kind)).toEqual(expect.arrayContaining(['postgres-down', 'postgres-up']));
    expect({ lost: report.lost, summary }).toMatchObject({ lost: [] });
    expect({ outOfOrder: report.outOfOrder, summary }).toMatchObject({ outOfOrder: [] });
    // A duplicate is allowed only where the kill landed between Telegram taking a send and its completion.
    expect({ unexplained: report.duplicates.unexplained, summary }).toMatchObject({ unexplained: [] });
    expect({ mismatches: report.databaseMismatches, summary }).toMatchObject({ mismatches: [] });
    expect(report.answered).toBe(50);
    expect(result.modelErrorsInjected).toBeGreaterThan(0);
  }, 300_000);
});
