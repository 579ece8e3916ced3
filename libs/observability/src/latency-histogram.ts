import type { Registry } from 'prom-client';

/**
 * Upper bounds (seconds) of the routing latency buckets: a frame routed on one replica takes tens of
 * microseconds, one that crosses to another replica about a millisecond (the replica bus batches for
 * up to one), and anything past 100 ms is a stall worth seeing as such.
 */
export const ROUTING_LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
] as const;

/**
 * A histogram for the hot path: `observe` only adds to plain numbers (prom-client's own builds a
 * closure and hashes the labels on every call); the series are built when Prometheus scrapes.
 */
export class LatencyHistogram {
  /** Per bucket, not cumulative; the last one is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += seconds;
    this.count++;
  }
}

type Labelled = { readonly labels: Readonly<Record<string, string>>; readonly histogram: LatencyHistogram };

/** Registers `name` as a histogram whose series are the given histograms, each with its labels. */
export function registerHistograms(
  registry: Registry,
  name: string,
  help: string,
  series: () => Iterable<Labelled>,
): void {
  registry.registerMetric({
    name,
    help,
    type: 'histogram',
    get: () => {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const { labels, histogram } of series()) {
        let cumulative = 0;
        histogram.bounds.forEach((le, i) => {
          cumulative += histogram.counts[i] ?? 0;
          values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { ...labels, le: '+Inf' }, value: histogram.count, metricName: `${name}_bucket` });
        values.push({ labels: { ...labels }, value: histogram.sum, metricName: `${name}_sum` });
        values.push({ labels: { ...labels }, value: histogram.count, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  } as unknown as Parameters<Registry['registerMetric']>[0]);
}
