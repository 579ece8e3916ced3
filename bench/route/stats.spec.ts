import { describe, expect, it } from 'vitest';
import type { CpuShare } from './cpu.js';
import { table } from './report.js';
import { percentiles, ratios, type Percentiles, type TargetResult } from './stats.js';

const cpu: CpuShare = {
  replicas: 50,
  workers: 30,
  redis: 10,
  machine: 90,
  steal: 0,
  cpuWait: 5,
  perServer: [],
  replicaPreemptionsPerSecond: 100,
};
const latency = (p99: number): Percentiles => ({ p50: 1, p99, p999: p99 * 2, samples: 1000 });

function result(target: 'broker' | 'baseline', kib: { idle: number; peak: number }, saturation: number): TargetResult {
  return {
    target,
    redis: 'standalone',
    sessions: 10_000,
    idleRssKiBPerSession: kib.idle,
    peakRssKiBPerSession: kib.peak,
    rssKiBPerSessionAfterTraffic: kib.peak * 2,
    rssKiB: { before: 1, peak: 2, after: 3, afterTraffic: 4 },
    openSeconds: 5,
    sessionsAnnounced: null,
    saturation: { messagesPerSecond: saturation, delivered: 1, rejected: 0, lost: 0, window: 2000, cpu },
    rates: [
      {
        perSecond: 5000,
        achievedPerSecond: 5000,
        rmToCemMs: latency(target === 'broker' ? 30 : 20),
        cemToRmMs: latency(10),
        rejected: 0,
        lost: 0,
        cpu,
        gatewayCpuMicrosPerMessage: 40,
      },
    ],
  };
}

describe('percentiles', () => {
  it('takes the nearest rank over every worker’s samples', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => i + 1);
    const p = percentiles([Float64Array.from(samples.slice(0, 400)), Float64Array.from(samples.slice(400))]);
    expect(p).toEqual({ p50: 500, p99: 990, p999: 999, samples: 1000 });
  });

  it('reads 0 when no sample arrived rather than a made-up figure', () => {
    expect(percentiles([])).toEqual({ p50: 0, p99: 0, p999: 0, samples: 0 });
  });
});

describe('ratios', () => {
  const broker = result('broker', { idle: 6, peak: 9 }, 15_000);
  const baseline = result('baseline', { idle: 8, peak: 12 }, 20_000);

  it('divides the broker’s figures by the baseline’s, the peak RSS among them', () => {
    const r = ratios(broker, baseline);
    expect(r).toMatchObject({
      idleRssPerSession: 0.75,
      peakRssPerSession: 0.75,
      rssPerSessionAfterTraffic: 0.75,
      saturationMessagesPerSecond: 0.75,
      'rmToCemMs@5000.p99': 1.5,
      'cemToRmMs@5000.p99': 1,
    });
  });

  it('gives no ratio against a baseline figure of 0', () => {
    expect(ratios(broker, result('baseline', { idle: 0, peak: 0 }, 0))).toMatchObject({
      idleRssPerSession: null,
      peakRssPerSession: null,
      saturationMessagesPerSecond: null,
    });
  });

  it('shows the peak and its ratio in the printed table', () => {
    const row = table([baseline, broker])
      .split('\n')
      .find((line) => line.startsWith('RSS per session at its peak'));
    expect(row?.split(/\s{2,}/).slice(1)).toEqual(['12.0', '9.0', '0.75']);
  });
});
