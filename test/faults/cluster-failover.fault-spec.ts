// REDIS_MODE=cluster under failovers: the broker as in the fault suite (an api process, two gateway
// replicas) on a Redis Cluster of its own (three primaries, a replica each), traffic both ways with
// every message numbered. First CLUSTER FAILOVER on the replica of the shard that carries the inbox of
// the RMs' gateway, then kill -9 of that shard's (new) primary. Every message is delivered or answered,
// none lost; after each, the gateways register again what they hold, and the test prints how long
// after the fault routing worked again both ways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_HEAD } from './support/ledger.js';
import { FaultCluster, runScenario, type ScenarioResult } from './support/fault-cluster.js';
import type { FaultRm } from './support/fault-peers.js';
import { OwnRedisCluster } from './support/own-services.js';
import { routingBack } from './support/routing-back.js';

let cluster: FaultCluster<OwnRedisCluster>;
const back: string[] = [];

beforeAll(async () => {
  cluster = await FaultCluster.on(OwnRedisCluster.start(), ['a', 'b']);
  process.stdout.write(TABLE_HEAD);
});

afterAll(async () => {
  for (const line of back) process.stdout.write(`${line}\n`);
  await cluster?.stop();
});

/** Both directions ended as the delivery contract says: every message delivered or answered, once, in order. */
function expectContractHeld(result: ScenarioResult): void {
  for (const outcome of [result.up, result.down]) {
    expect(outcome.sent).toBeGreaterThan(0);
    expect(outcome.lost).toBe(0);
    expect(outcome.twoOutcomes).toBe(0);
    expect(outcome.outOfOrder).toBe(0);
  }
}

const PRIMARY_CHANGED = 'a Redis shard changed its primary';

/** Runs the traffic around `fault` and waits for routing to come back both ways. */
async function scenario(name: string, fault: (c: FaultCluster<OwnRedisCluster>) => Promise<void>): Promise<void> {
  const relearnt = () =>
    [...cluster.gateways.values()].map((g) => g.logs().filter((line) => line['msg'] === PRIMARY_CHANGED).length);
  const before = relearnt();
  let backAfterMs = -1;
  const result = await runScenario(cluster, {
    name,
    rmGateway: () => 'a',
    cemGateway: 'b',
    afterMs: 6_000,
    fault: async (c, { rms, cem }) => {
      const startedAt = Date.now();
      await fault(c);
      await routingBack(rms[0] as FaultRm, cem, 60_000);
      backAfterMs = Date.now() - startedAt;
    },
  });
  expectContractHeld(result);
  // What the shard may have lost was registered again by every gateway, each for what it holds.
  expect(relearnt().every((count, i) => count > (before[i] as number))).toBe(true);
  back.push(`${name}: routing back both ways ${(backAfterMs / 1000).toFixed(1)} s after the fault`);
}

describe('Redis Cluster failover', () => {
  it('CLUSTER FAILOVER of the shard with the RMs’ inbox, during traffic both ways: none lost, routing back', async () => {
    const primary = cluster.redis.inboxPrimary('a');
    const replica = cluster.redis.replicaOf(primary);
    await scenario('CLUSTER FAILOVER', (c) => c.redis.failover(replica));
    expect(cluster.redis.inboxPrimary('a')).toBe(replica);
  });

  it('kill -9 of the primary with the RMs’ inbox, during traffic both ways: none lost, routing back', async () => {
    const primary = cluster.redis.inboxPrimary('a');
    await scenario('kill -9 primary', (c) => c.redis.killPrimary(primary));
    expect(cluster.redis.inboxPrimary('a')).not.toBe(primary);
  });
});
