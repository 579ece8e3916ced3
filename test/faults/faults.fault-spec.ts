// The fault suite: the broker as it runs in production (an api process, two gateway replicas, a Redis and
// a PostgreSQL of the suite's own), traffic both ways with every message numbered, and one fault per
// scenario. Per message exactly one outcome: delivered in order, or answered by the broker; a message
// whose sender's own connection was cut is counted apart (its sender saw the connection go).
// It prints | scenario | direction | sent | delivered | answered | cut | lost | duplicates | out of order |
// refused for s | (the span between the first and the last message the broker refused, as its sender saw it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/s2-connect.js';
import { TABLE_HEAD } from './support/ledger.js';
import { FaultCluster, runScenario, type ScenarioResult } from './support/fault-cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let cluster: FaultCluster;

beforeAll(async () => {
  cluster = await FaultCluster.start(['a', 'b']);
  process.stdout.write(TABLE_HEAD);
});

afterAll(() => cluster?.stop());

/** What every scenario must show: nothing lost, nothing delivered and answered, nothing out of order. */
function expectContract({ up, down }: ScenarioResult): void {
  for (const outcome of [up, down]) {
    expect(outcome.sent).toBeGreaterThan(0);
    expect(outcome.lost).toBe(0);
    expect(outcome.twoOutcomes).toBe(0);
    expect(outcome.outOfOrder).toBe(0);
  }
}

/** How many live sessions the tenant API lists for the tenant. */
async function sessionsOf(jwt: string): Promise<number> {
  const answer = await get(`${cluster.api.url}/api/v1/sessions`, jwt);
  return (answer.body as { items?: unknown[] }).items?.length ?? -1;
}

describe('the fault suite', () => {
  it('kill -9 of the RM replica: its RMs come back through initiateSession on the other', async () => {
    const result = await runScenario(cluster, {
      name: 'kill -9 of the RM replica',
      rmGateway: () => 'a',
      cemGateway: 'b',
      fault: async (c) => {
        c.kill9('a');
        await sleep(1_000);
        await c.startGateway('a');
      },
    });
    expectContract(result);
    expect(result.traffic.rms.every((rm) => rm.sessionsStarted.length >= 2)).toBe(true);
    // Bound before their first message is routed: the CEM channel never went, so nothing is refused.
    expect(result.up.answered).toBe(0);
  });

  it('kill -9 of the CEM replica: the channel connects again a second later, and no RM is refused', async () => {
    const result = await runScenario(cluster, {
      name: 'kill -9 of the CEM replica',
      rmGateway: () => 'a',
      cemGateway: 'b',
      fault: async (c) => {
        c.kill9('b');
        await sleep(1_500);
        await c.startGateway('b');
      },
    });
    expectContract(result);
    // The CEM hold and the take-over: the RMs see no TEMPORARY_ERROR.
    expect(result.up.answered).toBe(0);
  });

  it('Redis restarted with its data', async () => {
    const result = await runScenario(cluster, {
      name: 'Redis restarted with its data',
      rmGateway: (i) => (i % 2 ? 'a' : 'b'),
      cemGateway: 'b',
      fault: (c) => c.redis.restart({ keep: true }),
    });
    expectContract(result);
  });

  it('Redis restarted empty: every replica registers again what it holds, within seconds', async () => {
    let seen = -1;
    let backAfterMs = -1;
    const result = await runScenario(cluster, {
      name: 'Redis restarted empty',
      rmGateway: (i) => (i % 2 ? 'a' : 'b'),
      cemGateway: 'b',
      fault: async (c, traffic) => {
        await c.redis.restart({ keep: false });
        const restartedAt = Date.now();
        // The tenant API sees every live session again (it reads the directory in Redis).
        for (let waited = 0; waited < 10_000; waited += 250) {
          seen = await sessionsOf(traffic.tenant.jwt);
          if (seen === traffic.rms.length) break;
          await sleep(250);
        }
        backAfterMs = Date.now() - restartedAt;
      },
    });
    expectContract(result);
    expect(seen).toBe(result.traffic.rms.length);
    process.stdout.write(`Redis restarted empty: every session listed again ${backAfterMs} ms after the restart\n`);
  });

  it('PostgreSQL stopped for 20 s: session starts are answered 503, routing goes on', async () => {
    let during = 0;
    const result = await runScenario(cluster, {
      name: 'PostgreSQL stopped 20 s',
      rmGateway: (i) => (i % 2 ? 'a' : 'b'),
      cemGateway: 'a',
      afterMs: 2_000,
      fault: async (c) => {
        c.postgres.pause();
        try {
          await sleep(2_000);
          const started = await fetch(`${c.api.url}/session/v1/initiateSession`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: 'Bearer c29tZSBhY2Nlc3MgdG9rZW4gb2YgdGhpcnR5IHR3byBieXRlcw==',
            },
            body: JSON.stringify({
              clientNodeId: '00000000-0000-4000-8000-000000000001',
              serverNodeId: '00000000-0000-4000-8000-000000000002',
              supportedCommunicationProtocols: ['WebSocket'],
              supportedS2MessageVersions: ['v1.0.0'],
            }),
          });
          during = started.status;
          await sleep(18_000);
        } finally {
          await c.postgres.resume();
        }
      },
    });
    expect(during).toBe(503);
    expectContract(result);
    expect(result.up.answered).toBe(0);
    expect(result.down.answered).toBe(0);
  });

  it('a CEM channel that stops reading is closed as slow; what it did not read is answered or delivered again', async () => {
    const result = await runScenario(cluster, {
      name: 'CEM channel stops reading',
      rmGateway: () => 'a',
      cemGateway: 'a',
      fault: async (_c, { cem, rms }) => {
        cem.stopReading();
        // More than the buffers between the broker and the channel hold (the kernel's take tens of MB).
        for (let i = 0; i < 100; i++) for (const rm of rms) rm.send(60_000);
        // Back within the 5 s the broker gives a slow peer to read what waits and the close frame.
        await sleep(3_000);
        cem.resumeReading();
      },
    });
    expectContract(result);
    expect(result.traffic.cem.sockets.closes).toContain(1013);
  });

  it('an RM that stops reading is closed as slow; what it did not read is answered to the CEM', async () => {
    const result = await runScenario(cluster, {
      name: 'RM stops reading',
      rmGateway: () => 'a',
      cemGateway: 'a',
      fault: async (_c, { cem, rms }) => {
        const slow = rms[0];
        if (!slow) return;
        slow.stopReading();
        for (let i = 0; i < 800; i++) cem.send(slow.rmNodeId, 60_000);
        await sleep(3_000);
        slow.resumeReading();
      },
    });
    expectContract(result);
    expect(result.traffic.rms[0]?.sockets.closes).toContain(1013);
  });

  it('SIGTERM drain with traffic: the RMs move to the other replica, nothing cut', async () => {
    let exitCode: number | null = -1;
    const result = await runScenario(cluster, {
      name: 'SIGTERM drain of the RM replica',
      rmGateway: () => 'a',
      cemGateway: 'b',
      fault: async (c) => {
        exitCode = await c.drain('a');
        await c.startGateway('a');
      },
    });
    expect(exitCode).toBe(0);
    expectContract(result);
    expect(result.up.cut).toBe(0);
    expect(result.down.cut).toBe(0);
    expect(result.up.answered).toBe(0);
  });
});
