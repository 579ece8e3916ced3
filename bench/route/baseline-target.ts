// Starts the baseline: two baseline-relay processes on free ports, sharing one Redis registry.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, type ProcessGroup } from './processes.js';
import type { RmSpec } from './protocol.js';
import { RELAY_KEYS } from './relay-registry.js';
import {
  cemReplica,
  replicaNodeArgs,
  replicaOfRm,
  sessionsOf,
  WORKERS,
  type Replica,
  type TargetSetup,
} from './topology.js';

const RELAY = fileURLToPath(new URL('./baseline-relay.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

/** Forgets the registry of earlier runs, which could point at replicas that are gone. */
async function clearRegistry(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    retryStrategy: () => null,
  });
  let lastError = '';
  redis.on('error', (error: Error) => (lastError = error.message));
  try {
    await redis.connect();
    await redis.del(RELAY_KEYS.rms, RELAY_KEYS.tenants);
  } catch (error) {
    const why = lastError || (error instanceof Error ? error.message : String(error));
    throw new Error(`Redis at ${new URL(redisUrl).host}: ${why}`);
  } finally {
    redis.disconnect();
  }
}

async function startRelay(group: ProcessGroup, name: string, redisUrl: string): Promise<Replica> {
  const port = await freePort();
  const relay = group.spawnNode(
    `baseline relay ${name}`,
    RELAY,
    ['--port', String(port), '--replica', name, '--redis', redisUrl],
    process.env,
    true,
    replicaNodeArgs(),
  );
  await relay.waitForLine((line) => line.startsWith('{"ready":true'), READY_TIMEOUT_MS);
  if (relay.child.pid === undefined) throw new Error(`baseline relay ${name} has no pid`);
  return { name, port, pid: relay.child.pid };
}

export async function startBaseline(group: ProcessGroup, redisUrl: string, sessions: number): Promise<TargetSetup> {
  await clearRegistry(redisUrl);
  const replicas = [await startRelay(group, 'a', redisUrl), await startRelay(group, 'b', redisUrl)] as const;
  const tenant = (worker: number) => `bench-t${worker}`;
  const cemPort = cemReplica(replicas).port;
  return {
    replicas,
    cems: Array.from({ length: WORKERS }, (_, worker) => ({
      url: `ws://127.0.0.1:${cemPort}/cem/v1/ws?tenant=${tenant(worker)}`,
    })),
    rms: () =>
      Promise.resolve(
        Array.from({ length: WORKERS }, (_, worker) =>
          Array.from({ length: sessionsOf(worker, sessions) }, (_, index): RmSpec => {
            const rmNodeId = randomUUID();
            const { port } = replicaOfRm(replicas, index);
            return {
              kind: 'direct',
              rmNodeId,
              url: `ws://127.0.0.1:${port}/s2/v1/ws?rm=${rmNodeId}&tenant=${tenant(worker)}`,
            };
          }),
        ),
      ),
    announcesSessions: false,
    openConcurrency: 200,
    cleanup: () => clearRegistry(redisUrl).catch(() => undefined),
  };
}
