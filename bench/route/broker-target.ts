// Starts the broker as production scales it: two gateway replicas (`ROLES=gateway`) that hold the
// sockets, and one process for the HTTP API (`ROLES=api,worker`: onboarding, pairing, session
// initiation), sharing a dedicated PostgreSQL database and Redis. The gateways' RSS then measures what
// sessions hold, not the garbage of 10,000 session initiations. Onboards one tenant per load worker;
// the API process stops once every session is open, before the measurements.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTenant, pairRms, Progress, type Tenant } from './broker-onboarding.js';
import { openInspector } from './inspector.js';
import { freePort, lastWords, sleep, type ProcessGroup } from './processes.js';
import type { RmSpec } from './protocol.js';
import {
  cemReplica,
  replicaNodeArgs,
  replicaOfRm,
  sessionsOf,
  WORKERS,
  type Replica,
  type Replicas,
  type TargetSetup,
} from './topology.js';

const MAIN = fileURLToPath(new URL('../../apps/cli/src/main.js', import.meta.url));
const MIGRATE_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;

export interface BrokerSettings {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** `cluster`: the replicas run on the Redis Cluster of `clusterNodes` instead of `redisUrl`. */
  readonly redisMode: 'standalone' | 'cluster';
  readonly clusterNodes: readonly string[];
  readonly sessions: number;
  /** Keep the API process up after the sessions open, to serve a message inspector's stream. */
  readonly inspect?: boolean;
}

export interface Secrets {
  readonly operatorToken: string;
  readonly jwtSecret: string;
  readonly secretsKeys: string;
}

/** Like test/support/broker.ts `brokerEnv`, with the bench's database and fresh secrets. */
export function brokerEnv(
  settings: BrokerSettings,
  secrets: Secrets,
  port: number,
  name: string,
  roles?: string,
  internalPort = 0,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: settings.databaseUrl,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    INTERNAL_PORT: String(internalPort),
    OPERATOR_TOKEN: secrets.operatorToken,
    JWT_SECRET: secrets.jwtSecret,
    SECRETS_KEYS: secrets.secretsKeys,
    // Onboarding 10,000 RMs and the phases outlast the default 15 minutes of a tenant JWT.
    JWT_TTL_SECONDS: '3600',
    // Every simulated home pairs from this one address; a real fleet comes from as many.
    RATE_LIMIT_PAIRING_PER_ADDRESS: '0',
    LOG_LEVEL: 'warn',
    INSTANCE_ID: `bench-${name}`,
  };
  for (const name of ['ROLES', 'TLS_CERT_FILE', 'TLS_KEY_FILE']) delete env[name];
  // The bench's own environment names the cluster too: a replica takes only the settings of its mode.
  for (const name of Object.keys(env).filter((key) => key.startsWith('REDIS_'))) delete env[name];
  Object.assign(
    env,
    settings.redisMode === 'cluster'
      ? { REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: settings.clusterNodes.join(',') }
      : { REDIS_URL: settings.redisUrl },
  );
  if (roles !== undefined) env.ROLES = roles;
  return env;
}

export async function migrate(group: ProcessGroup, env: NodeJS.ProcessEnv): Promise<void> {
  const run = group.spawnNode('broker migrate', MAIN, ['migrate'], env);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), MIGRATE_TIMEOUT_MS);
  const { code, signal } = await run.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`migrate failed (${signal ?? `exit ${code}`}): ${lastWords(run.tail)}`);
}

async function waitReady(origin: string, name: string, exited: () => boolean, tail: string[]): Promise<void> {
  for (let waited = 0; waited < READY_TIMEOUT_MS; waited += 200) {
    if (exited()) throw new Error(`broker replica ${name} exited during startup: ${lastWords(tail)}`);
    try {
      const response = await fetch(`${origin}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`broker replica ${name} not ready within ${READY_TIMEOUT_MS / 1000} s: ${lastWords(tail)}`);
}

/** The last output lines of each replica, to say why the broker failed when onboarding does. */
const replicaTails = new Map<string, readonly string[]>();

export async function startReplica(
  group: ProcessGroup,
  settings: BrokerSettings,
  secrets: Secrets,
  name: string,
  roles: string,
) {
  const port = await freePort();
  // BENCH_PROFILE_DIR: a V8 CPU profile of each replica, written when it exits, for finding hot spots.
  const profileDir = process.env['BENCH_PROFILE_DIR'];
  const nodeArgs = [
    ...replicaNodeArgs(),
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []),
  ];
  let internalPort = await freePort();
  while (internalPort === port) internalPort = await freePort();
  const env = brokerEnv(settings, secrets, port, name, roles, internalPort);
  const replica = group.spawnNode(`broker ${name}`, MAIN, ['serve'], env, false, nodeArgs);
  const internalOrigin = `http://127.0.0.1:${internalPort}`;
  await waitReady(internalOrigin, name, () => replica.hasExited(), replica.tail);
  replicaTails.set(name, replica.tail);
  if (replica.child.pid === undefined) throw new Error(`broker replica ${name} has no pid`);
  return { replica: { name, port, pid: replica.child.pid } satisfies Replica, member: replica, internalOrigin };
}

export function newSecrets(): Secrets {
  return {
    operatorToken: randomBytes(24).toString('hex'),
    jwtSecret: randomBytes(24).toString('hex'),
    secretsKeys: `bench:${randomBytes(32).toString('base64')}`,
  };
}

export async function startBroker(group: ProcessGroup, settings: BrokerSettings): Promise<TargetSetup> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} does not exist: run \`npm run build\` first`);
  const secrets = newSecrets();
  await migrate(group, brokerEnv(settings, secrets, await freePort(), 'migrate'));
  const a = await startReplica(group, settings, secrets, 'a', 'gateway');
  const b = await startReplica(group, settings, secrets, 'b', 'gateway');
  const replicas: Replicas = [a.replica, b.replica];
  const api = await startReplica(group, settings, secrets, 'api', 'api,worker');
  const tenants: Tenant[] = [];
  for (let worker = 0; worker < WORKERS; worker++) {
    tenants.push(
      await createTenant(
        `http://127.0.0.1:${api.replica.port}`,
        api.internalOrigin,
        secrets.operatorToken,
        sessionsOf(worker, settings.sessions),
      ),
    );
  }
  const cemPort = cemReplica(replicas).port;
  let watched: string | undefined;
  return {
    replicas,
    cems: tenants.map((tenant) => ({ url: `ws://127.0.0.1:${cemPort}/cem/v1/ws`, bearer: tenant.jwt })),
    rms: async () => {
      const progress = new Progress();
      progress.start(settings.sessions, 'bench route: broker');
      // Two replicas on two cores pair about 250 RMs a second; give up below a fifth of that.
      const deadline = Date.now() + Math.max(120_000, settings.sessions * 20);
      try {
        const paired = await Promise.all(
          tenants.map((tenant, worker) => pairRms(tenant, sessionsOf(worker, settings.sessions), deadline, progress)),
        );
        watched = paired[0]?.[0]?.rmNodeId;
        return paired.map((rms) =>
          rms.map((rm, index): RmSpec => ({ kind: 's2-connect', ...rm, port: replicaOfRm(replicas, index).port })),
        );
      } catch (error) {
        const said = lastWords(replicaTails.get('api') ?? []);
        throw new Error(`${error instanceof Error ? error.message : String(error)}; the API process said: ${said}`);
      } finally {
        progress.stop();
      }
    },
    announcesSessions: true,
    openConcurrency: 100,
    // Routing does not touch the API process; left running, its idle work and its collection of the
    // onboarding's garbage ran on the two cores the replicas need, in the middle of the phases.
    sessionsOpen: () => (settings.inspect ? Promise.resolve() : group.stop(api.member, 15_000)),
    // Worker 0's first RM: on replica A, which holds three of four RMs while B holds the CEM channels.
    ...(settings.inspect
      ? {
          inspect: () => {
            if (watched === undefined) throw new Error('no RM to inspect: the sessions are not paired yet');
            return openInspector(`http://127.0.0.1:${api.replica.port}`, tenants[0]?.jwt ?? '', watched);
          },
        }
      : {}),
    cleanup: () => Promise.resolve(),
  };
}
