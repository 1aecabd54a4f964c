/**
 * Circuit breakers for the model and for each platform, per worker process (cockatiel). When a
 * dependency keeps failing, its breaker opens: calls fail at once, so a model call goes straight
 * to the fallback reply and a send waits for the breaker rather than each conversation's backoff.
 * After `halfOpenAfterMs`, one call is let through: success closes it, failure opens it again.
 *
 * Who decides what: the breaker decides whether to call now; Temporal decides when to try again
 * and keeps the message meanwhile. A breaker never drops anything: an open one turns a model call
 * into a fast failure (the pipeline's fallback) and a send into a rate-limited failure that names
 * the wait, which Temporal's retry honours.
 */
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import { failureClass, permanentFailure, rateLimitedFailure } from '../temporal/failures';

export interface BreakerSettings {
  /** Consecutive failures that open a breaker. */
  failures: number;
  /** How long an open breaker waits before it lets one call through. */
  halfOpenAfterMs: number;
}

/** The model's endpoints: an open breaker there means "answer without it now". */
const MODEL_DEPENDENCIES = new Set(['model', 'moderation']);

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failures: 5, halfOpenAfterMs: 30_000 };

export interface CircuitBreakers {
  /** Runs `call` through the dependency's breaker; open, it throws at once (see `asFailure`). */
  run<T>(dependency: string, call: () => Promise<T>): Promise<T>;
  /** Each breaker's state, for `/health/ready` details. */
  states(): Record<string, 'closed' | 'open' | 'half-open'>;
}

/**
 * Only failures that say the dependency is unwell count: a request refused as bad (a 400) does not.
 * Nor does a platform's rate limit (429): the platform answers and names its wait, which the send's
 * retry honours already; often it is one busy chat's limit, and should not hold back every other.
 * The model's rate limit does count: a model that keeps refusing is better answered by the fallback.
 */
function countsAsFailure(dependency: string) {
  const counted = MODEL_DEPENDENCIES.has(dependency) ? ['transient', 'rate_limited'] : ['transient'];
  return handleWhen((error) => !(error instanceof BrokenCircuitError) && counted.includes(failureClass(error)));
}

export function createCircuitBreakers(deps: { settings?: BreakerSettings; metrics?: Metrics; logger?: Pick<Logger, 'warn' | 'info'> }): CircuitBreakers {
  const settings = deps.settings ?? DEFAULT_BREAKER_SETTINGS;
  const breakers = new Map<string, { policy: ReturnType<typeof circuitBreaker>; openedAt: number }>();

  function breakerOf(dependency: string) {
    let entry = breakers.get(dependency);
    if (entry) return entry;
    const policy = circuitBreaker(countsAsFailure(dependency), { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.failures) });
    const created = { policy, openedAt: 0 };
    policy.onBreak(() => {
      created.openedAt = Date.now();
      deps.metrics?.circuitOpen.set({ dependency }, 1);
      deps.logger?.warn({ dependency, failures: settings.failures, retryInMs: settings.halfOpenAfterMs }, `Circuit breaker for ${dependency} opened: calls fail fast until it recovers`);
    });
    policy.onHalfOpen(() => deps.logger?.info({ dependency }, `Circuit breaker for ${dependency} half-open: trying one call`));
    policy.onReset(() => {
      deps.metrics?.circuitOpen.set({ dependency }, 0);
      deps.logger?.info({ dependency }, `Circuit breaker for ${dependency} closed: ${dependency} answers again`);
    });
    deps.metrics?.circuitOpen.set({ dependency }, 0);
    breakers.set(dependency, created);
    return created;
  }

  return {
    async run(dependency, call) {
      const entry = breakerOf(dependency);
      try {
        return await entry.policy.execute(call);
      } catch (error) {
        if (!(error instanceof BrokenCircuitError)) throw error;
        const waitMs = Math.max(1_000, entry.openedAt + settings.halfOpenAfterMs - Date.now());
        throw asFailure(dependency, waitMs);
      }
    },
    states() {
      const names = { [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Isolated]: 'open' } as const;
      return Object.fromEntries([...breakers].map(([name, { policy }]) => [name, names[policy.state]]));
    },
  };
}

/**
 * What an open breaker throws. The model's: a permanent failure, so the turn stops asking and
 * answers with the fallback now. A platform's: a rate-limited failure naming the breaker's wait,
 * so Temporal retries the send then, and the reply still goes out.
 */
function asFailure(dependency: string, waitMs: number): Error {
  const type = `${dependency[0]!.toUpperCase()}${dependency.slice(1)}CircuitOpen`;
  const message = `The ${dependency} circuit breaker is open after repeated failures; next try in ${Math.ceil(waitMs / 1000)} s`;
  return MODEL_DEPENDENCIES.has(dependency) ? permanentFailure(message, type) : rateLimitedFailure(message, waitMs, type);
}
