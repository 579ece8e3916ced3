// REDIS_MODE=sentinel under a failover: the broker as in the fault suite (an api process, two gateway
// replicas), on a primary, a replica and three Sentinels of its own, traffic both ways with every
// message numbered, and SENTINEL FAILOVER in the middle. Every message is delivered or answered, none
// lost; it prints how long after the failover routing worked again both ways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_HEAD } from './support/ledger.js';
import { FaultCluster, runScenario } from './support/fault-cluster.js';
import type { FaultRm } from './support/fault-peers.js';
import { routingBack } from './support/routing-back.js';
import { OwnSentinelGroup } from './support/own-services.js';

let cluster: FaultCluster<OwnSentinelGroup>;

beforeAll(async () => {
  cluster = await FaultCluster.on(OwnSentinelGroup.start(), ['a', 'b']);
  process.stdout.write(TABLE_HEAD);
});

afterAll(() => cluster?.stop());

describe('Sentinel failover', () => {
  it('SENTINEL FAILOVER during traffic both ways: every message delivered or answered, routing back within seconds', async () => {
    const before = cluster.redis.primary();
    let backAfterMs = -1;
    const result = await runScenario(cluster, {
      name: 'SENTINEL FAILOVER',
      rmGateway: (i) => (i % 2 ? 'a' : 'b'),
      cemGateway: 'b',
      afterMs: 6_000,
      fault: async (c, { rms, cem }) => {
        const startedAt = Date.now();
        await c.redis.failover();
        await routingBack(rms[0] as FaultRm, cem, 60_000);
        backAfterMs = Date.now() - startedAt;
      },
    });
    expect(cluster.redis.primary()).not.toBe(before);
    for (const outcome of [result.up, result.down]) {
      expect(outcome.sent).toBeGreaterThan(0);
      expect(outcome.lost).toBe(0);
      expect(outcome.twoOutcomes).toBe(0);
      expect(outcome.outOfOrder).toBe(0);
    }
    process.stdout.write(
      `SENTINEL FAILOVER: routing back both ways ${(backAfterMs / 1000).toFixed(1)} s after the failover\n`,
    );
  });
});
