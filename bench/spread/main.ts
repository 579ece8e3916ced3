// Spread benchmark: how the broker's Redis work divides over the primaries of a Redis Cluster when many
// gateway replicas share it. Starts N gateway replicas (`ROLES=gateway`) with a few RM sessions each,
// over a few tenants whose CEM channels sit on different replicas, and counts on every primary
// (`INFO commandstats`) the commands of three phases: the session starts, an idle spell (what the
// replicas do per second without traffic) and RM->CEM messages at a fixed rate, each answered by the
// CEM with a ReceptionStatus. Then where the keys and the replicas' inboxes (sharded channels) are.
// Counts, not timings: they hold on a busy machine. One JSON line, then the tables.
//
//   npm run build && node dist/bench/spread/main.js [--replicas 6] [--sessions-per-replica 100]
//     [--tenants 3] [--rate 300] [--seconds 30] [--idle-seconds 10]
//
// Needs PostgreSQL (BENCH_DATABASE_URL, default s2_broker_bench on 127.0.0.1, migrated here) and a
// Redis Cluster (REDIS_CLUSTER_NODES, default 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103, what
// `scripts/redis-topology.sh start cluster` starts); best a fresh one, as its keys are counted. The load
// workers are bench/route's. Every process it starts is stopped on success, on error and on SIGINT.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hashSlot, useHashTags } from '#redis';
import { createTenant, pairRms, Progress, type Tenant } from '../route/broker-onboarding.js';
import { migrate, newSecrets, brokerEnv, startReplica, type BrokerSettings } from '../route/broker-target.js';
import { freePort, ProcessGroup, sleep } from '../route/processes.js';
import type { RmSpec } from '../route/protocol.js';
import { WorkerHandle } from '../route/worker-handle.js';
import { between, countByKind, grouped, imbalance, top, type Calls } from './counts.js';
import { type Reading, Shards } from './shards.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../route/load-worker.js', import.meta.url));
const USAGE =
  'usage: node dist/bench/spread/main.js [--replicas N] [--sessions-per-replica N] [--tenants N] [--rate R] [--seconds S] [--idle-seconds S]';
const log = (line: string) => process.stderr.write(`bench spread: ${line}\n`);

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return value;
}

function settings() {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', default: '6' },
      'sessions-per-replica': { type: 'string', default: '100' },
      tenants: { type: 'string', default: '3' },
      rate: { type: 'string', default: '300' },
      seconds: { type: 'string', default: '30' },
      'idle-seconds': { type: 'string', default: '10' },
    },
  });
  const replicas = integer('replicas', values.replicas, 2, 16);
  const tenants = integer('tenants', values.tenants, 1, replicas);
  const clusterNodes = (process.env['REDIS_CLUSTER_NODES'] ?? '127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103')
    .split(',')
    .map((node) => node.trim());
  if (clusterNodes.some((node) => !/^(127\.0\.0\.1|localhost):\d+$/.test(node)))
    throw new Error('REDIS_CLUSTER_NODES must be host:port pairs on 127.0.0.1');
  const databaseUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_bench';
  if (!['127.0.0.1', 'localhost'].includes(new URL(databaseUrl).hostname))
    throw new Error('BENCH_DATABASE_URL must point at 127.0.0.1');
  return {
    replicas,
    tenants,
    sessions: replicas * integer('sessions-per-replica', values['sessions-per-replica'], 1, 2_000),
    rate: integer('rate', values.rate, 1, 20_000),
    seconds: integer('seconds', values.seconds, 1, 600),
    idleSeconds: integer('idle-seconds', values['idle-seconds'], 1, 600),
    clusterNodes,
    databaseUrl,
  };
}
type Settings = ReturnType<typeof settings>;

/** How many of `total` go to part `k` of `parts`. */
const shareOf = (k: number, parts: number, total: number) => Math.floor(total / parts) + (k < total % parts ? 1 : 0);

/** Per primary, the calls of a phase and the CPU seconds it took the server. */
interface Phase {
  readonly calls: Calls[];
  readonly cpuSeconds: number[];
  readonly seconds: number;
}

function phase(before: readonly Reading[], after: readonly Reading[]): Phase {
  return {
    calls: after.map((reading, i) => between(before[i]?.calls ?? new Map(), reading.calls)),
    cpuSeconds: after.map((reading, i) => reading.cpuSeconds - (before[i]?.cpuSeconds ?? 0)),
    seconds: ((after[0]?.at ?? 0) - (before[0]?.at ?? 0)) / 1_000,
  };
}

const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function markdown(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  if (head === undefined) return '';
  return [head, head.map(() => '---'), ...body].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/**
 * A phase as a table: a row per primary and one for the cluster, each count divided by `per`, and the
 * server's CPU in µs per the same unit.
 */
function phaseTable(title: string, p: Phase, slots: readonly string[], per: number, digits: number) {
  const head = [
    'primary (slots)',
    'commands',
    'SPUBLISH',
    'PUBLISH',
    'scripts',
    'stream commands',
    'other',
    'Redis CPU, µs',
    'most called',
  ];
  const rows: string[][] = [head];
  const sums = { total: 0, spublish: 0, publish: 0, scripts: 0, streams: 0, other: 0 };
  p.calls.forEach((c, i) => {
    const g = grouped(c);
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] += g[k];
    const cells = [g.total, g.spublish, g.publish, g.scripts, g.streams, g.other].map((v) => fmt(v / per, digits));
    rows.push([slots[i] ?? '?', ...cells, fmt(((p.cpuSeconds[i] ?? 0) * 1e6) / per, 1), top(c, 3).join(', ')]);
  });
  const cells = [sums.total, sums.spublish, sums.publish, sums.scripts, sums.streams, sums.other];
  const cpu = p.cpuSeconds.reduce((a, b) => a + b, 0);
  rows.push(['all', ...cells.map((v) => fmt(v / per, digits)), fmt((cpu * 1e6) / per, 1), '']);
  const spread = imbalance(p.calls.map((c) => grouped(c).total));
  return `${title}\n${markdown(rows)}\nimbalance of commands (largest primary over the mean): ${spread.toFixed(2)}`;
}

async function run(config: Settings, group: ProcessGroup) {
  const shards = await Shards.of(config.clusterNodes[0] as string);
  const slots = shards.primaries.map((p) => p.slots);
  const broker: BrokerSettings = { ...config, redisUrl: '', redisMode: 'cluster' };
  const secrets = newSecrets();
  const workers: WorkerHandle[] = [];
  try {
    log(`migrating, then ${config.replicas} gateway replicas and an API process`);
    await migrate(group, brokerEnv(broker, secrets, await freePort(), 'migrate'));
    const names = Array.from({ length: config.replicas }, (_, i) => `g${i}`);
    // One after the other: started at once on two cores, some missed their readiness deadline.
    const gateways: Awaited<ReturnType<typeof startReplica>>[] = [];
    for (const name of names) gateways.push(await startReplica(group, broker, secrets, name, 'gateway'));
    const api = await startReplica(group, broker, secrets, 'api', 'api,worker');
    const origin = `http://127.0.0.1:${api.replica.port}`;
    const tenants: (Tenant & { rms: number })[] = [];
    for (let t = 0; t < config.tenants; t++) {
      const rms = shareOf(t, config.tenants, config.sessions);
      tenants.push({ rms, ...(await createTenant(origin, api.internalOrigin, secrets.operatorToken, rms)) });
    }
    // Each tenant's CEM channel on its own replica, spread over them; its RMs on every replica in turn.
    const cemReplica = (t: number) => gateways[Math.floor((t * config.replicas) / config.tenants)];
    for (let t = 0; t < config.tenants; t++) {
      const worker = new WorkerHandle(group.forkWorker(`load worker ${t}`, WORKER_SCRIPT));
      workers.push(worker);
      const cem = { url: `ws://127.0.0.1:${cemReplica(t)?.replica.port}/cem/v1/ws`, bearer: tenants[t]?.jwt };
      await worker.ask({ kind: 'open-cem', cem }, 'cem-open', 30_000);
    }
    log(`pairing ${config.sessions} RMs`);
    const progress = new Progress();
    progress.start(config.sessions, 'bench spread');
    const deadline = Date.now() + Math.max(120_000, config.sessions * 20);
    const paired = await Promise.all(tenants.map((tenant) => pairRms(tenant, tenant.rms, deadline, progress))).finally(
      () => progress.stop(),
    );
    const plans = paired.map((rms, t) =>
      rms.map((rm, i): RmSpec => ({
        kind: 's2-connect',
        ...rm,
        port: gateways[(i + t) % config.replicas]?.replica.port ?? 0,
      })),
    );

    log(`opening ${config.sessions} RM sessions`);
    const beforeOpen = await shards.read();
    const opened = await Promise.all(
      workers.map((w, t) =>
        w.ask(
          { kind: 'open-rms', rms: plans[t] ?? [], concurrency: 20, awaitSessionOpened: true },
          'rms-open',
          60_000 + config.sessions * 50,
        ),
      ),
    );
    const afterOpen = await shards.read();
    // Routing does not use the API process; its idle work would count in the phases below.
    await group.stop(api.member, 15_000);
    await sleep(3_000);

    log(`idle for ${config.idleSeconds} s`);
    const beforeIdle = await shards.read();
    await sleep(config.idleSeconds * 1_000);
    const afterIdle = await shards.read();

    log(`${config.rate} RM messages/s for ${config.seconds} s, each answered by the CEM`);
    const rated = await Promise.all(
      workers.map((w, t) =>
        w.ask(
          { kind: 'rate', perSecond: shareOf(t, config.tenants, config.rate), seconds: config.seconds },
          'rated',
          config.seconds * 1_000 + 30_000,
        ),
      ),
    );
    const afterTraffic = await shards.read();

    const [channels, keys] = [await shards.shardChannels(), await shards.keys()];
    const replicaIds = names.map((n) => `bench-${n}`);
    useHashTags(true);
    const hottest = await Promise.all(
      keys.map(async (shardKeys, shard) => {
        const bySlot = new Map<number, number>();
        for (const key of shardKeys) bySlot.set(hashSlot(key), (bySlot.get(hashSlot(key)) ?? 0) + 1);
        const [slot] = [...bySlot].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
        return { slot, keys: await shards.keysInSlot(shard, slot) };
      }),
    );
    const sent = rated.reduce((sum, r) => sum + r.sent, 0);
    return {
      slots,
      sessions: opened.reduce((sum, o) => sum + o.opened, 0),
      announced: opened.reduce((sum, o) => sum + o.sessionsAnnounced, 0),
      sent,
      rejected: rated.reduce((sum, r) => sum + r.rejected, 0),
      lost: rated.reduce((sum, r) => sum + r.lost, 0),
      shardChannels: afterTraffic.map((reading) => reading.shardChannels),
      opening: phase(beforeOpen, afterOpen),
      idle: phase(beforeIdle, afterIdle),
      traffic: phase(afterIdle, afterTraffic),
      inboxes: replicaIds.map((id) => ({
        replica: id,
        shard: channels.findIndex((names) => names.some((name) => name.startsWith(`s2b:inbox:${id}-`))),
        cemChannels: tenants.filter((_, t) => cemReplica(t)?.replica.name === id.slice('bench-'.length)).length,
      })),
      keyKinds: countByKind(keys, replicaIds),
      keysPerShard: keys.map((k) => k.length),
      hottest,
    };
  } finally {
    await Promise.all(workers.map((w) => w.ask({ kind: 'close' }, 'closed', 15_000).catch(() => undefined)));
    shards.close();
  }
}

type Result = Awaited<ReturnType<typeof run>>;

/** The traffic phase less what the replicas do anyway, at the idle phase's rate. */
function lessIdle(traffic: Phase, idle: Phase): Phase {
  const scale = traffic.seconds / idle.seconds;
  return {
    calls: traffic.calls.map((calls, i) => {
      const net = new Map<string, number>();
      for (const [name, count] of calls) {
        const left = Math.round(count - (idle.calls[i]?.get(name) ?? 0) * scale);
        if (left > 0) net.set(name, left);
      }
      return net;
    }),
    cpuSeconds: traffic.cpuSeconds.map((cpu, i) => Math.max(0, cpu - (idle.cpuSeconds[i] ?? 0) * scale)),
    seconds: traffic.seconds,
  };
}

function print(config: Settings, r: Result): void {
  const net = lessIdle(r.traffic, r.idle);
  const json = (p: Phase) => ({ ...p, calls: p.calls.map((c) => Object.fromEntries(c)) });
  console.log(
    JSON.stringify({
      bench: 'spread',
      node: process.version,
      ...config,
      ...r,
      opening: json(r.opening),
      idle: json(r.idle),
      traffic: json(r.traffic),
      trafficLessIdle: json(net),
    }),
  );
  const lines = [
    `spread: ${config.replicas} gateway replicas, ${fmt(r.sessions)} RM sessions (${fmt(r.announced)} announced) of ${config.tenants} tenants, ` +
      `${config.rate} RM messages/s for ${config.seconds} s (${fmt(r.sent)} sent, ${r.rejected} rejected, ${r.lost} lost), ` +
      `${r.slots.length} primaries`,
    '',
    phaseTable(`session starts: commands per session start`, r.opening, r.slots, Math.max(1, r.sessions), 2),
    '',
    phaseTable(
      `idle: commands per second per gateway replica (${r.idle.seconds.toFixed(0)} s, no traffic)`,
      r.idle,
      r.slots,
      r.idle.seconds * config.replicas,
      2,
    ),
    '',
    phaseTable(
      `traffic: commands per RM message (and its ReceptionStatus back), idle work taken out`,
      net,
      r.slots,
      Math.max(1, r.sent),
      3,
    ),
    '',
    `sharded channels per primary: ${r.shardChannels.join(' / ')}; replica inboxes: ${r.inboxes.map((i) => `${i.replica} on ${r.slots[i.shard] ?? 'none'}${i.cemChannels ? ` (${i.cemChannels} CEM channel)` : ''}`).join('; ')}`,
    '',
    'keys by kind and primary',
    markdown([
      ['kind', ...r.slots],
      ...r.keyKinds.map(([kind, counts]) => [`\`${kind}\``, ...counts.map((c) => fmt(c))]),
      ['all (DBSIZE)', ...r.keysPerShard.map((n) => fmt(n))],
    ]),
    `most keys in one slot: ${r.hottest.map((h, i) => `${r.slots[i]}: slot ${h.slot}, ${h.keys} keys`).join('; ')}`,
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<number> {
  let config: Settings;
  try {
    config = settings();
  } catch (error) {
    process.stderr.write(`bench spread: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const group = new ProcessGroup();
  process.on('exit', () => group.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}, stopping what it started`);
      void group.stopAll(5_000).finally(() => process.exit(130));
    });
  }
  try {
    print(config, await run(config, group));
    return 0;
  } finally {
    await group.stopAll(15_000);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message.replace(/\s*[\r\n]+\s*/g, ' ') : String(error));
    process.exitCode = 1;
  },
);
