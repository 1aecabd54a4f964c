import { type BreakerSettings, type CircuitBreakers, createCircuitBreakers } from './circuit-breakers';
import type { Metrics } from '../metrics/metrics';
import type { Logger } from 'pino';

let breakers: CircuitBreakers | undefined;

/**
 * The process's circuit breakers: one set per worker process, made when its activities are wired,
 * read by the same process's `/health/ready`. Before a worker is wired, an empty set.
 */
export function processBreakers(init?: { settings: BreakerSettings; metrics: Metrics; logger?: Pick<Logger, 'warn' | 'info'> }): CircuitBreakers {
  if (init && !breakers) breakers = createCircuitBreakers(init);
  return breakers ?? EMPTY;
}

const EMPTY: CircuitBreakers = {
  run: (_dependency, call) => call(),
  states: () => ({}),
};
