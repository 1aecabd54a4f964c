/**
 * Latency samples of one series, kept exactly (a benchmark run records at most some tens of
 * thousands), with the summary figures the report prints and the CDF points its chart draws.
 */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class Latencies {
  private readonly samples: number[] = [];
  private sorted: number[] | null = null;

  record(ms: number): void {
    this.samples.push(ms);
    this.sorted = null;
  }

  get count(): number {
    return this.samples.length;
  }

  quantile(q: number): number {
    const sorted = this.sortedSamples();
    if (sorted.length === 0) return Number.NaN;
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  }

  summary(): LatencySummary {
    const sorted = this.sortedSamples();
    const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
    return {
      count: sorted.length,
      p50: round(this.quantile(0.5)),
      p90: round(this.quantile(0.9)),
      p99: round(this.quantile(0.99)),
      max: round(sorted.at(-1) ?? Number.NaN),
      mean: round(mean),
    };
  }

  /** `[latency ms, fraction at or below]` at `points` evenly spaced fractions, for a CDF chart. */
  cdf(points = 50): Array<[number, number]> {
    const sorted = this.sortedSamples();
    if (sorted.length === 0) return [];
    const result: Array<[number, number]> = [];
    for (let i = 1; i <= points; i++) {
      const fraction = i / points;
      result.push([round(this.quantile(fraction)), fraction]);
    }
    // The 99th and 99.9th percentiles matter most; make sure the chart has them.
    for (const q of [0.99, 0.999]) result.push([round(this.quantile(q)), q]);
    return result.sort((a, b) => a[1] - b[1]);
  }

  private sortedSamples(): number[] {
    this.sorted ??= [...this.samples].sort((a, b) => a - b);
    return this.sorted;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The summary of samples already collected. */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const latencies = new Latencies();
  for (const ms of samples) latencies.record(ms);
  return latencies.summary();
}
