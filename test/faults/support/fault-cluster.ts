// The broker as a small production would run it, for the fault suite: an api process and gateway
// replicas on a Redis and a PostgreSQL of the suite's own, and traffic both ways between a tenant's RMs
// and its CEM software, each message numbered, with a fault in the middle.
import { type Broker, runBroker, startBroker } from '../../support/broker.js';
import { createTenant, pairThroughClient, type Tenant } from '../../support/s2-connect.js';
import { FaultCem, FaultRm } from './fault-peers.js';
import { cemToRm, type Outcomes, rmToCem, row } from './ledger.js';
import { OwnPostgres, OwnRedis, type OwnRedisCluster, type OwnSentinelGroup } from './own-services.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Redis a fault cluster runs on: one server, a Sentinel group or a Redis Cluster. */
export type OwnRedisTopology = OwnRedis | OwnSentinelGroup | OwnRedisCluster;

export class FaultCluster<R extends OwnRedisTopology = OwnRedis> {
  readonly gateways = new Map<string, Broker>();
  private readonly down = new Set<string>();

  private constructor(
    readonly redis: R,
    readonly postgres: OwnPostgres,
    readonly api: Broker,
    private readonly env: Record<string, string>,
  ) {}

  static start(replicas: string[], env: Record<string, string> = {}): Promise<FaultCluster> {
    return FaultCluster.on(OwnRedis.start(), replicas, env);
  }

  /** The same on a Redis topology of the caller's choice. */
  static async on<T extends OwnRedisTopology>(
    starting: Promise<T>,
    replicas: string[],
    env: Record<string, string> = {},
  ): Promise<FaultCluster<T>> {
    const [redis, postgres] = await Promise.all([starting, OwnPostgres.start()]);
    const shared = { ...env, ...redis.env, DATABASE_URL: postgres.url('s2_broker_faults') };
    const migrated = await runBroker(['migrate'], shared);
    if (migrated.code !== 0) throw new Error(`migrate: ${migrated.stderr.join('\n')}`);
    const api = await startBroker({ env: { ...shared, ROLES: 'api', INSTANCE_ID: 'api' } });
    const cluster = new FaultCluster<T>(redis, postgres, api, shared);
    await Promise.all(replicas.map((name) => cluster.startGateway(name)));
    return cluster;
  }

  async startGateway(name: string): Promise<Broker> {
    const broker = await startBroker({ env: { ...this.env, ROLES: 'gateway', INSTANCE_ID: name } });
    this.gateways.set(name, broker);
    this.down.delete(name);
    return broker;
  }

  /** ws:// base URL of a replica. */
  url(name: string): string {
    return (this.gateways.get(name) as Broker).url.replace('http', 'ws');
  }

  /** The replica named if it is up, else another that is: what an ingress does. */
  route(preferred: string): () => string {
    return () => {
      const live = [...this.gateways.keys()].filter((name) => !this.down.has(name));
      return this.url(live.includes(preferred) ? preferred : (live[Math.floor(Math.random() * live.length)] as string));
    };
  }

  kill9(name: string): void {
    this.down.add(name);
    this.gateways.get(name)?.process.kill('SIGKILL');
  }

  /** SIGTERM: the replica drains and exits; resolves with its exit code. */
  async drain(name: string): Promise<number | null> {
    this.down.add(name);
    return (this.gateways.get(name) as Broker).stop();
  }

  async stop(): Promise<void> {
    await Promise.all([this.api.stop(), ...[...this.gateways.values()].map((g) => g.stop())]);
    await Promise.all([this.redis.stop(), this.postgres.stop()]);
  }
}

export interface Traffic {
  readonly tenant: Tenant;
  readonly rms: FaultRm[];
  readonly cem: FaultCem;
}

export interface ScenarioOptions<R extends OwnRedisTopology = OwnRedis> {
  readonly name: string;
  /** Which replica each RM connects to (by index), and the CEM channel. */
  readonly rmGateway: (index: number) => string;
  readonly cemGateway: string;
  readonly rms?: number;
  /** Runs while the traffic flows. */
  readonly fault: (cluster: FaultCluster<R>, traffic: Traffic) => Promise<void>;
  /** Traffic after the fault, before the suite waits for every outcome. */
  readonly afterMs?: number;
}

export interface ScenarioResult {
  readonly up: Outcomes;
  readonly down: Outcomes;
  readonly traffic: Traffic;
}

/**
 * Pairs as a device does: a 503 (a dependency still settling after the previous scenario's fault) is
 * tried again a few times; any other refusal fails the scenario, with what the API process logged.
 */
async function pairedDespiteOutage<T>(api: Broker, pair: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pair();
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 503 && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      const logged = api.logs().filter((line) => ['warn', 'error', 'fatal'].includes(String(line['level'])));
      process.stdout.write(`pairing failed; the API logged:\n${logged.map((l) => JSON.stringify(l)).join('\n')}\n`);
      throw error;
    }
  }
}

/** Pairs the RMs, opens the CEM channel and the sessions, sends both ways around the fault, counts. */
export async function runScenario<R extends OwnRedisTopology>(
  cluster: FaultCluster<R>,
  options: ScenarioOptions<R>,
): Promise<ScenarioResult> {
  const base = cluster.api.url;
  const tenant = await createTenant(cluster.api);
  const cem = new FaultCem(async () => tenant.jwt, cluster.route(options.cemGateway));
  await cem.connect();
  // Pairings of different CEM nodes do not wait for each other's one-second delay.
  const rms = await Promise.all(
    Array.from({ length: options.rms ?? 8 }, async (_, i) => {
      const paired = await pairedDespiteOutage(cluster.api, () => pairThroughClient(base, tenant));
      const peer = new FaultRm({
        ...paired,
        initiateSessionUrl: `${base}/session/`,
        gateway: cluster.route(options.rmGateway(i)),
      });
      await peer.connect();
      return peer;
    }),
  );
  const traffic = { tenant, rms, cem };
  let sending = true;
  const loop = (async () => {
    for (let tick = 0; sending; tick++) {
      for (const rm of rms) rm.send();
      cem.send((rms[tick % rms.length] as FaultRm).rmNodeId);
      await sleep(50);
    }
  })();
  await sleep(2_000);
  await options.fault(cluster, traffic);
  await sleep(options.afterMs ?? 4_000);
  sending = false;
  await loop;
  // Long enough for the hold (10 s) and a sender's questions (15 s) to end every message.
  const outcomes = () => ({ up: rmToCem(rms, cem), down: cemToRm(rms, cem) });
  for (let waited = 0; waited < 30_000; waited += 500) {
    const now = outcomes();
    if (now.up.lost === 0 && now.down.lost === 0) break;
    await sleep(500);
  }
  await sleep(1_000);
  const final = outcomes();
  if (process.env['FAULTS_DEBUG']) {
    for (const peer of [...rms.slice(0, 2), cem]) {
      const types = new Map<string, number>();
      for (const f of peer.received) {
        const key = String(f['message_type'] ?? f['type']);
        types.set(key, (types.get(key) ?? 0) + 1);
      }
      process.stdout.write(
        `debug ${peer === cem ? 'cem' : 'rm'}: closes ${peer.sockets.closes.join(',')} received ${JSON.stringify([...types])}\n`,
      );
    }
  }
  for (const peer of [...rms, cem]) peer.close();
  process.stdout.write(`${row(options.name, 'RM to CEM', final.up)}\n${row(options.name, 'CEM to RM', final.down)}\n`);
  return { ...final, traffic };
}
