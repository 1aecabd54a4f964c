import type { Logger } from 'pino';
import type { BenchServerOptions, BenchServers } from '../support/bench-servers';
import type { LatencySummary } from '../support/histogram';
import type { FloorShapeName } from '../floor/floor-shapes';

/** What every scenario gets from the runner. */
export interface ScenarioContext {
  logger: Logger;
  settings: BenchSettings;
  /** Fresh Temporal and PostgreSQL servers for this scenario, sharing the run's workflow bundle. */
  startServers(options?: BenchServerOptions): Promise<BenchServers>;
  /** The floor workflow's bundle, built once per run. */
  floorBundlePath: string;
}

export interface BenchSettings {
  quick: boolean;
  /** Length of each measured phase. */
  phaseMs: number;
  /** Open-loop rates for webhook acknowledgement, requests a second. */
  rates: number[];
  /** Concurrent senders in the end-to-end and tuning phases. */
  concurrency: number;
  /** Chats the end-to-end senders take turns on. */
  chats: number;
  /** Messages in the long conversation. */
  longMessages: number;
  /** Open idle conversations in the many-conversations scenario. */
  conversations: number;
  /** The floor workflow's shapes of turn run beside the product in the end-to-end scenario. */
  floorShapes: FloorShapeName[];
  /** Turns after the first that a history probe sends, to count what one turn adds. */
  historyTurns: number;
  /** Messages, one at a time, in the idle-latency scenario. */
  idleMessages: number;
}

/** A scenario's findings, rendered by the report and kept as JSON. */
export interface ScenarioResult {
  id: string;
  title: string;
  /** What was measured and how, one sentence each. */
  method: string[];
  tables: Array<{ caption?: string; header: string[]; rows: Array<Array<string | number>> }>;
  charts: Array<{ title: string; series: Array<{ name: string; cdf: Array<[number, number]> }> }>;
  /** Findings worth a sentence: ratios, winners, warnings. */
  findings: string[];
  data: Record<string, unknown>;
}

export type Scenario = (context: ScenarioContext) => Promise<ScenarioResult>;

/** p50, p99 and the like, as table cells. */
export function latencyCells(summary: LatencySummary): Array<number | string> {
  return [summary.p50, summary.p99, summary.max];
}
