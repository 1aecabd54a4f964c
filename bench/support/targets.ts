import type { Figures } from './previous-figures';

/**
 * A goal a report checks its figures against: a figure of one scenario, at least or at most a
 * bound, or at most a multiple of another figure of the same scenario.
 */
export interface Target {
  goal: string;
  scenario: string;
  figure: string;
  atLeast?: number;
  atMost?: number;
  atMostTimes?: { figure: string; factor: number };
}

/** Issue 12's targets, each measured in the benchmark on the same 2-core machine. */
export const TURN_RESHAPE_TARGETS: Target[] = [
  { goal: 'end-to-end replies/s at least 4× 6.9', scenario: 'b', figure: 'product: replies/s', atLeast: 27.6 },
  { goal: 'end-to-end p99 below 1 s', scenario: 'b', figure: 'product: p99 ms', atMost: 1000 },
  { goal: 'end-to-end with 0 errors', scenario: 'b', figure: 'product: errors', atMost: 0 },
  { goal: 'Temporal CPU per turn (server + worker) at most 90 ms', scenario: 'b', figure: 'product: server + worker CPU ms/turn', atMost: 90 },
  { goal: 'idle message on the API channel (?wait=true): p50 at most 60 ms', scenario: 'i', figure: 'API ?wait=true p50 ms', atMost: 60 },
  { goal: 'opening conversations at least 4× 4/s', scenario: 'd', figure: 'opened /s', atLeast: 16 },
  { goal: 'webhooks at 100/s: p99 at most 2× that of a bare signalWithStart', scenario: 'a', figure: '100/s: webhook p99 ms', atMostTimes: { figure: '100/s: signalWithStart p99 ms', factor: 2 } },
  { goal: '300 webhooks/s accepted without errors', scenario: 'a', figure: '300/s: webhook errors', atMost: 0 },
];

/** Rows of `goal | measured | bound | verdict`, verdict `met`, `not met` or `not measured`. */
export function checkTargets(targets: readonly Target[], figures: Record<string, Figures>): Array<[string, number | string, number | string, string]> {
  return targets.map((target) => {
    const measured = figures[target.scenario]?.[target.figure];
    const reference = target.atMostTimes && figures[target.scenario]?.[target.atMostTimes.figure];
    const bound = target.atLeast ?? target.atMost ?? (reference === undefined ? undefined : round(reference! * target.atMostTimes!.factor));
    if (measured === undefined || !Number.isFinite(measured) || bound === undefined || !Number.isFinite(bound)) return [target.goal, 'n/a', bound ?? 'n/a', 'not measured'];
    const met = target.atLeast !== undefined ? measured >= bound : measured <= bound;
    return [target.goal, measured, `${target.atLeast !== undefined ? '≥' : '≤'} ${bound}`, met ? 'met' : 'not met'];
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
