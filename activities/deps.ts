import type { ModelPrices } from '../src/model/model-prices';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema';
import type { Metrics } from '../src/metrics/metrics';
import type { ModelClient } from '../src/model/model-client';
import type { HandoffMailer } from '../src/notifications/handoff-mailer';
import type { PlatformAdapters } from '../src/platforms/platform-adapter';
import type { CircuitBreakers } from '../src/resilience/circuit-breakers';

/** What the activities need from the outside world. Wired once, in `src/wiring.ts`. */
export interface ActivityDeps {
  db: Kysely<Database>;
  model: ModelClient;
  adapters: PlatformAdapters;
  /** Opens sealed secrets (webhook subscription signing secrets). */
  encryptionKey: Buffer;
  metrics: Metrics;
  /** What each model's tokens cost (`src/model/model-prices.ts`, with configuration over it). */
  modelPrices: ModelPrices;
  /** This worker's circuit breakers: the model's and each platform's. */
  breakers: CircuitBreakers;
  /** Present when SMTP is configured. */
  handoffMailer?: HandoffMailer;
}
