// Percentiles and the result shapes the driver prints.
import type { CpuShare } from './cpu.js';
import type { Target } from './protocol.js';

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
  const at = (p: number) =>
    all.length === 0 ? 0 : round(all[Math.min(all.length - 1, Math.ceil((p / 100) * all.length) - 1)] ?? 0, 3);
  return { p50: at(50), p99: at(99), p999: at(99.9), samples: all.length };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
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
}

export interface TargetResult {
  readonly target: Target;
  readonly sessions: number;
  readonly idleRssKiBPerSession: number;
  /** The same once every phase has run: what sessions that carried messages cost. */
  readonly rssKiBPerSessionAfterTraffic: number;
  readonly rssKiB: { readonly before: number; readonly after: number; readonly afterTraffic: number };
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
}

/** broker / baseline, per figure; latencies per rate and direction. */
export function ratios(broker: TargetResult, baseline: TargetResult): Record<string, number | null> {
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
  const out: Record<string, number | null> = {
    idleRssPerSession: ratio(broker.idleRssKiBPerSession, baseline.idleRssKiBPerSession),
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
