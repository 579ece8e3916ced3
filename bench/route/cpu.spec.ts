import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { CpuMeter } from './cpu.js';

const cpus = availableParallelism();

function reading(
  at: number,
  perCpuTicks: number,
  parts: {
    busy: number;
    steal: number;
    replicas: number;
    workers: number;
    redisSeconds: number | null;
    waitedUs?: number | null;
    replicaPreemptions?: number;
    servers?: { server: string; cpuSeconds: number | null; calls: number; publish: number; scripts: number }[];
  },
) {
  return { at, total: perCpuTicks * cpus, waitedUs: null, replicaPreemptions: 0, servers: [], ...parts };
}

describe('CpuMeter.between', () => {
  it('gives each part in % of one CPU over the phase', () => {
    const before = reading(0, 1_000, {
      busy: 300,
      steal: 10,
      replicas: 100,
      workers: 50,
      redisSeconds: 4,
      waitedUs: 7_000_000,
      replicaPreemptions: 1_000,
    });
    // 10 s at 100 ticks a second per CPU.
    const after = reading(10_000, 2_000, {
      busy: 300 + 1.5 * 1_000,
      steal: 10 + 20,
      replicas: 100 + 800,
      workers: 50 + 450,
      redisSeconds: 4 + 2.5,
      // 3 of the 10 s with some task waiting for a CPU.
      waitedUs: 7_000_000 + 3_000_000,
      replicaPreemptions: 1_000 + 4_000,
    });
    expect(CpuMeter.between(before, after)).toEqual({
      replicas: 80,
      workers: 45,
      redis: 25,
      machine: 150,
      steal: 2,
      cpuWait: 30,
      replicaPreemptionsPerSecond: 400,
      perServer: [],
    });
  });

  it('gives each Redis server its CPU and commands per second, for the spread over shards', () => {
    const shard = (server: string, cpuSeconds: number, calls: number, publish: number, scripts: number) => ({
      server,
      cpuSeconds,
      calls,
      publish,
      scripts,
    });
    const parts = { busy: 0, steal: 0, replicas: 0, workers: 0, redisSeconds: 0 };
    const before = reading(0, 0, { ...parts, servers: [shard('a:1', 1, 100, 10, 5), shard('b:2', 2, 0, 0, 0)] });
    const after = reading(2_000, 200, {
      ...parts,
      servers: [shard('a:1', 1.5, 2_100, 1_010, 205), shard('b:2', 2.2, 1_000, 600, 0)],
    });
    expect(CpuMeter.between(before, after).perServer).toEqual([
      { server: 'a:1', cpu: 25, callsPerSecond: 1_000, publishPerSecond: 500, scriptsPerSecond: 100 },
      { server: 'b:2', cpu: 10, callsPerSecond: 500, publishPerSecond: 300, scriptsPerSecond: 0 },
    ]);
  });

  it('leaves out what Redis or the kernel did not say', () => {
    const before = reading(0, 0, { busy: 0, steal: 0, replicas: 0, workers: 0, redisSeconds: null });
    const after = reading(1_000, 100, { busy: 100, steal: 0, replicas: 10, workers: 0, redisSeconds: 1 });
    expect(CpuMeter.between(before, after).redis).toBeNull();
    expect(CpuMeter.between(before, after).cpuWait).toBeNull();
    expect(CpuMeter.between(before, after).replicas).toBe(10);
  });
});
