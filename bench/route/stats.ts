// Percentiles and the result shapes the driver prints.
import type { CpuShare } from './cpu.js';
import type { Target } from './protocol.js';
import { round } from './round.js';

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly samples: number;
}

/** Nearest-rank percentiles, in ms with µs precision, over all workers' samples. */
export function percentiles(parts: readonly Float64Array[]): Percentiles {
  const all = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  all.sort();
  // In per mille, so that the rank is integer arithmetic: 99.9 / 100 * 1000 rounds up to rank 1000.
  const at = (perMille: number) =>
    all.length === 0 ? 0 : round(all[Math.min(all.length - 1, Math.ceil((perMille * all.length) / 1000) - 1)] ?? 0, 3);
  return { p50: at(500), p99: at(990), p999: at(999), samples: all.length };
}

export interface RateResult {
  readonly perSecond: number;
  readonly achievedPerSecond: number;
  readonly rmToCemMs: Percentiles;
  readonly cemToRmMs: Percentiles;
  readonly rejected: number;
  readonly lost: number;
  /** What the phase took of the machine, warm-up and drain included. */
  readonly cpu: CpuShare;
  /** The gateway replicas' CPU per message sent (and its answer), in µs. */
  readonly gatewayCpuMicrosPerMessage: number;
  /** With an inspector open: the messages its stream carried, and its gap events. */
  readonly inspector?: { readonly messages: number; readonly gaps: number };
}

export interface TargetResult {
  readonly target: Target;
  /** The Redis topology the replicas ran on. */
  readonly redis: 'standalone' | 'cluster';
  readonly sessions: number;
  readonly idleRssKiBPerSession: number;
  /** The highest RSS while the sessions opened: what a replica's memory limit has to allow for. */
  readonly peakRssKiBPerSession: number;
  /**
   * The same read right after the last phase, before V8 gives back what the traffic made its heaps
   * grow to: with the peak, what a replica's memory limit has to allow for.
   */
  readonly rssKiBPerSessionAfterTraffic: number;
  readonly rssKiB: {
    readonly before: number;
    readonly peak: number;
    readonly after: number;
    readonly afterTraffic: number;
  };
  readonly openSeconds: number;
  /** The broker's `session.opened` frames seen (every session should be announced). */
  readonly sessionsAnnounced: number | null;
  readonly saturation: {
    readonly messagesPerSecond: number;
    readonly delivered: number;
    readonly rejected: number;
    readonly lost: number;
    readonly window: number;
    readonly cpu: CpuShare;
  };
  readonly rates: readonly RateResult[];
  /** The same rates with one message inspector open on a busy RM (`--inspect 1`). */
  readonly inspected?: readonly RateResult[];
}

/** broker / baseline, per figure; latencies per rate and direction. */
export function ratios(broker: TargetResult, baseline: TargetResult): Record<string, number | null> {
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
  const out: Record<string, number | null> = {
    idleRssPerSession: ratio(broker.idleRssKiBPerSession, baseline.idleRssKiBPerSession),
    peakRssPerSession: ratio(broker.peakRssKiBPerSession, baseline.peakRssKiBPerSession),
    rssPerSessionAfterTraffic: ratio(broker.rssKiBPerSessionAfterTraffic, baseline.rssKiBPerSessionAfterTraffic),
    saturationMessagesPerSecond: ratio(broker.saturation.messagesPerSecond, baseline.saturation.messagesPerSecond),
  };
  for (const b of broker.rates) {
    const base = baseline.rates.find((r) => r.perSecond === b.perSecond);
    if (base === undefined) continue;
    for (const direction of ['rmToCemMs', 'cemToRmMs'] as const) {
      for (const p of ['p50', 'p99', 'p999'] as const) {
        out[`${direction}@${b.perSecond}.${p}`] = ratio(b[direction][p], base[direction][p]);
      }
    }
  }
  return out;
}
