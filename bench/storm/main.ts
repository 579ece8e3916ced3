// Reconnect storm: N RM sessions on gateway replica a, the tenant's CEM channel on replica b; kill -9 of a;
// every RM comes back through initiateSession, confirmAccessToken and the upgrade (to b, as an ingress
// would send it), waiting as S2 Connect's reconnection strategy says (full jitter from 2 s). Prints the
// time until all are back, session starts per second at the peak, p50/p99 of each step, peak CPU and RSS
// of each process, and, in the same run, a bare `ws` server's upgrades per second and the ratio, and the
// rate of the same session starts against a broker that does nothing (null-broker.ts): with the driver
// on the same cores, the most this machine allows. Last, at half the opening's rate, paced (one start
// every 2/rate s, whether the previous ones are done or not), it prints p50/p99 of each step for up to
// 10 s of starts: the latency a device sees when the broker is not saturated.
//
//   npm run build && node dist/bench/storm/main.js [--sessions 10000] [--concurrency 200]
//
// Needs PostgreSQL (BENCH_DATABASE_URL, default s2_broker_bench on 127.0.0.1, migrated here) and Redis
// (REDIS_URL, default 127.0.0.1:6379).
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type FetchLike, selectApiVersion } from '#rm-client';
import { createTenant, pairRms, Progress } from '../route/broker-onboarding.js';
import { migrate, brokerEnv, newSecrets, startReplica, type BrokerSettings } from '../route/broker-target.js';
import { freePort, ProcessGroup, sleep } from '../route/processes.js';
import { round } from '../route/round.js';
import { percentiles } from '../route/stats.js';
import { bareUpgrades, StartTimings, StormCem, StormRm } from './storm-peers.js';
import { CpuBudget, listenOverflows, postgresPids, redisPids, selfPid } from './cpu-budget.js';
import { UsageWatcher } from './usage.js';
import { keepAliveFetch } from './keep-alive-fetch.js';

const BARE_SERVER = fileURLToPath(new URL('./bare-server.js', import.meta.url));
const NULL_BROKER = fileURLToPath(new URL('./null-broker.js', import.meta.url));
const BACK_TIMEOUT_MS = 600_000;

function settings() {
  const { values } = parseArgs({
    options: { sessions: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '200' } },
  });
  const sessions = Number(values.sessions);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(sessions) || sessions < 1) throw new Error('--sessions must be a positive integer');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency must be a positive integer');
  return { sessions, concurrency };
}

type CpuParts = { name: string; cpuSeconds: number }[];

/**
 * A one-process target (`script --port P`, `{"ready":true}` once it listens) for `use`, which is given
 * its port and a CPU budget of the driver and the target; stopped afterwards.
 */
async function withTarget<T>(
  group: ProcessGroup,
  name: string,
  script: string,
  use: (port: number, budget: CpuBudget) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const server = group.spawnNode(name, script, ['--port', String(port)], process.env);
  try {
    await server.waitForLine((line) => line.includes('"ready"'), 10_000);
    const budget = new CpuBudget([
      { name: 'driver', pids: selfPid },
      { name, pids: () => [server.child.pid ?? 0] },
    ]);
    return await use(port, budget);
  } finally {
    await group.stop(server, 2_000);
  }
}

/**
 * Upgrades per second a bare ws server accepts from this driver, `concurrency` at a time, and the CPU
 * seconds the driver and the server spent on them.
 */
function baseline(
  group: ProcessGroup,
  sessions: number,
  concurrency: number,
): Promise<{ rate: number; cpu: CpuParts }> {
  return withTarget(group, 'bare ws server', BARE_SERVER, async (port, budget) => {
    budget.start();
    const rate = await bareUpgrades(`ws://127.0.0.1:${port}/`, sessions, concurrency);
    return { rate, cpu: budget.stop() };
  });
}

/** Starts every RM, `concurrency` at a time, each tried again until it succeeds: the seconds it took. */
async function openAll(rms: StormRm[], concurrency: number, url: () => string, timings: StartTimings): Promise<number> {
  let next = 0;
  const from = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rms.length) {
        const rm = rms[next++] as StormRm;
        while (!(await rm.start(url, timings))) {
          // A target that fails every start would keep this loop going forever.
          if (timings.failures > rms.length) throw new Error(`${timings.failures} session starts failed`);
          await sleep(100);
        }
      }
    }),
  );
  return (Date.now() - from) / 1000;
}

/**
 * The same session starts, driver and all, against a broker that does nothing but answer (see
 * null-broker.ts): the most starts per second this machine allows with the driver on its cores.
 */
function ceiling(
  group: ProcessGroup,
  sessions: number,
  concurrency: number,
  fetch: FetchLike,
): Promise<{ rate: number; cpu: CpuParts }> {
  return withTarget(group, 'null broker', NULL_BROKER, async (port, budget) => {
    const cem = new StormCem();
    await cem.open(`ws://127.0.0.1:${port}/cem/v1/ws`, 'any');
    const initiateSessionUrl = `http://127.0.0.1:${port}/session/`;
    const apiVersion = await selectApiVersion(initiateSessionUrl, { fetch });
    const rms = Array.from(
      { length: sessions },
      () =>
        new StormRm(
          { rmNodeId: randomUUID(), cemNodeId: randomUUID(), initiateSessionUrl, accessToken: 'any' },
          apiVersion,
          cem,
          fetch,
        ),
    );
    budget.start();
    const seconds = await openAll(rms, concurrency, () => `ws://127.0.0.1:${port}`, new StartTimings());
    const cpu = budget.stop();
    for (const rm of rms) rm.close();
    cem.close();
    return { rate: sessions / seconds, cpu };
  });
}

/** Milliseconds of CPU per operation, by part and in all. */
function perOperation(cpu: CpuParts, operations: number) {
  const parts = Object.fromEntries(cpu.map((p) => [p.name, round((p.cpuSeconds * 1000) / operations, 2)]));
  const total = round((cpu.reduce((sum, p) => sum + p.cpuSeconds, 0) * 1000) / operations, 2);
  return { parts, total };
}

/** Starts `rms` one after another at `rate` per second, not waiting for the ones before to finish. */
async function pacedStarts(rms: StormRm[], rate: number, url: () => string, timings: StartTimings): Promise<void> {
  const from = Date.now();
  const started: Promise<boolean>[] = [];
  for (const [i, rm] of rms.entries()) {
    const wait = from + (i * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    started.push(rm.start(url, timings));
  }
  await Promise.all(started);
}

/** The most completions in any one second. */
function peakPerSecond(times: readonly number[]): number {
  const perSecond = new Map<number, number>();
  for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

function steps(timings: StartTimings) {
  const of = (values: number[]) => {
    const { p50, p99 } = percentiles([Float64Array.from(values)]);
    return { p50: round(p50, 1), p99: round(p99, 1) };
  };
  return {
    initiateSession: of(timings.initiateSession),
    confirmAccessToken: of(timings.confirmAccessToken),
    upgrade: of(timings.upgrade),
    announced: of(timings.announced),
  };
}

async function run(group: ProcessGroup): Promise<void> {
  const { sessions, concurrency } = settings();
  const broker: BrokerSettings = {
    databaseUrl: process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_bench',
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    redisMode: 'standalone',
    clusterNodes: [],
    sessions,
  };
  const bare = await baseline(group, sessions, concurrency);
  const bareRate = bare.rate;
  process.stderr.write(`bench storm: bare upgrades ${Math.round(bareRate)}/s\n`);
  const fetch = keepAliveFetch();
  const least = await ceiling(group, sessions, concurrency, fetch);
  process.stderr.write(`bench storm: session starts against a null broker ${Math.round(least.rate)}/s\n`);

  const secrets = newSecrets();
  await migrate(group, brokerEnv(broker, secrets, await freePort(), 'migrate'));
  const a = await startReplica(group, broker, secrets, 'a', 'gateway');
  const b = await startReplica(group, broker, secrets, 'b', 'gateway');
  const api = await startReplica(group, broker, secrets, 'api', 'api,worker');
  const apiUrl = `http://127.0.0.1:${api.replica.port}`;
  const tenant = await createTenant(apiUrl, api.internalOrigin, secrets.operatorToken, sessions);
  const progress = new Progress();
  progress.start(sessions, 'bench storm');
  const paired = await pairRms(tenant, sessions, Date.now() + Math.max(120_000, sessions * 20), progress);
  progress.stop();

  const cem = new StormCem();
  await cem.open(`ws://127.0.0.1:${b.replica.port}/cem/v1/ws`, tenant.jwt);
  const apiVersion = await selectApiVersion(`${apiUrl}/session/`);
  const opening = new StartTimings();
  const rms = paired.map((rm) => new StormRm(rm, apiVersion, cem, fetch));
  const onA = () => `ws://127.0.0.1:${a.replica.port}`;
  const redisPort = Number(new URL(broker.redisUrl).port || 6379);
  const openingCpu = new CpuBudget([
    { name: 'driver', pids: selfPid },
    { name: 'gateway a', pids: () => [a.replica.pid] },
    { name: 'gateway b', pids: () => [b.replica.pid] },
    { name: 'api', pids: () => [api.replica.pid] },
    { name: 'postgresql', pids: postgresPids },
    { name: 'redis', pids: () => redisPids(redisPort) },
  ]);
  process.stderr.write(`bench storm: opening ${sessions} sessions on a\n`);
  openingCpu.start();
  const openingSeconds = await openAll(rms, concurrency, onA, opening);
  const cpuPerStart = perOperation(openingCpu.stop(), sessions);
  const cpuPerBareUpgrade = perOperation(bare.cpu, sessions);
  const cpuPerNullStart = perOperation(least.cpu, sessions);
  process.stderr.write(`bench storm: ${sessions} sessions open on a in ${openingSeconds.toFixed(1)} s\n`);

  const storm = new StartTimings();
  let back = 0;
  const allBack = new Promise<void>((resolve) => {
    const onB = () => `ws://127.0.0.1:${b.replica.port}`;
    for (const rm of rms)
      rm.onLost(onB, storm, () => {
        if (++back === rms.length) resolve();
      });
  });
  const usage = new UsageWatcher();
  for (const [name, pid] of [
    ['gateway b', b.replica.pid],
    ['api', api.replica.pid],
  ] as const)
    usage.watch(name, pid);
  usage.start();
  const overflowsBefore = listenOverflows();
  const killedAt = Date.now();
  a.member.child.kill('SIGKILL');
  const timedOut = await Promise.race([allBack.then(() => false), sleep(BACK_TIMEOUT_MS).then(() => true)]);
  const peaks = usage.stop();
  const overflows = listenOverflows() - overflowsBefore;
  for (const rm of rms) rm.close();
  // The closes' own work (session.closed on the channel, the registry) is not the paced phase's.
  await sleep(3_000);
  const openingRate = sessions / openingSeconds;
  const pacedRate = openingRate / 2;
  const halfRate = new StartTimings();
  await pacedStarts(
    rms.slice(0, Math.ceil(pacedRate * 10)),
    pacedRate,
    () => `ws://127.0.0.1:${b.replica.port}`,
    halfRate,
  );
  const lastBack = Math.max(...storm.completedAt);
  const firstBack = Math.min(...storm.completedAt);
  const peak = peakPerSecond(storm.completedAt);
  const result = {
    sessions,
    bareUpgradesPerSecond: Math.round(bareRate),
    // The goal's figure: full session starts per second, `concurrency` at a time like the bare upgrades.
    opening: {
      seconds: round(openingSeconds, 1),
      perSecond: Math.round(openingRate),
      ratioToBareUpgrades: round(openingRate / bareRate, 3),
      // How close the broker comes to a broker that does nothing, the driver's share being the same.
      ratioToNullBroker: round(openingRate / least.rate, 3),
      ...steps(opening),
    },
    nullBroker: {
      perSecond: Math.round(least.rate),
      ratioToBareUpgrades: round(least.rate / bareRate, 3),
      cpuMsPerStart: cpuPerNullStart,
    },
    storm: {
      allBack: !timedOut,
      back,
      secondsUntilAllBack: round((lastBack - killedAt) / 1000, 1),
      peakStartsPerSecond: peak,
      // From the first session back to the last: the backoff's jitter spreads the RMs over this.
      sustainedStartsPerSecond: Math.round(back / Math.max(0.001, (lastBack - firstBack) / 1000)),
      failedTries: storm.failures,
      listenQueueOverflows: overflows,
      failedBecause: Object.fromEntries([...storm.failureReasons].sort((x, y) => y[1] - x[1]).slice(0, 5)),
      unannounced: storm.unannounced,
      ...steps(storm),
    },
    halfRate: {
      perSecond: Math.round(pacedRate),
      starts: halfRate.completedAt.length,
      failedTries: halfRate.failures,
      ...steps(halfRate),
    },
    peaks,
    // The broker closes a channel that does not read fast enough (1013); the driver connects it again.
    cemChannelClosedByBroker: cem.closes,
    // What one operation costs across every process it runs on: when all cores are busy, the ratio of
    // the rates can be no better than the inverse ratio of these.
    cpuMsPerStart: cpuPerStart,
    cpuMsPerBareUpgrade: cpuPerBareUpgrade,
    cpuBoundRatio: round(cpuPerBareUpgrade.total / Math.max(0.001, cpuPerStart.total), 3),
  };
  for (const rm of rms) rm.close();
  cem.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(table(result));
}

function table(r: {
  opening: ReturnType<typeof steps> & { perSecond: number; ratioToBareUpgrades: number; ratioToNullBroker: number };
  nullBroker: { perSecond: number; ratioToBareUpgrades: number; cpuMsPerStart: ReturnType<typeof perOperation> };
  storm: ReturnType<typeof steps> & {
    failedTries: number;
    failedBecause: Record<string, number>;
    listenQueueOverflows: number;
    secondsUntilAllBack: number;
    peakStartsPerSecond: number;
    sustainedStartsPerSecond: number;
  };
  halfRate: ReturnType<typeof steps> & { perSecond: number };
  peaks: { name: string; cpuPercent: number; rssMiB: number; cpuSeconds: number }[];
  cpuMsPerStart: ReturnType<typeof perOperation>;
  cpuMsPerBareUpgrade: ReturnType<typeof perOperation>;
  cpuBoundRatio: number;
  bareUpgradesPerSecond: number;
  sessions: number;
  cemChannelClosedByBroker: number;
}): string {
  const rows = ['| phase | step | p50 ms | p99 ms |', '| --- | --- | --- | --- |'];
  for (const [phase, s] of [
    ['opening', r.opening],
    ['storm', r.storm],
    [`paced at ${r.halfRate.perSecond}/s`, r.halfRate],
  ] as const)
    for (const step of ['initiateSession', 'confirmAccessToken', 'upgrade', 'announced'] as const)
      rows.push(`| ${phase} | ${step} | ${s[step].p50} | ${s[step].p99} |`);
  rows.push(
    '',
    '| process | peak CPU % of a core | CPU ms per session start | peak RSS MiB |',
    '| --- | --- | --- | --- |',
  );
  for (const p of r.peaks)
    rows.push(`| ${p.name} | ${p.cpuPercent} | ${round((p.cpuSeconds * 1000) / r.sessions, 2)} | ${p.rssMiB} |`);
  rows.push('', '| opening: CPU ms per session start | ms |', '| --- | --- |');
  for (const [name, ms] of Object.entries(r.cpuMsPerStart.parts)) rows.push(`| ${name} | ${ms} |`);
  rows.push(
    `| all | ${r.cpuMsPerStart.total} |`,
    '',
    `bare upgrade: ${r.cpuMsPerBareUpgrade.total} CPU ms (${Object.entries(r.cpuMsPerBareUpgrade.parts)
      .map(([name, ms]) => `${name} ${ms}`)
      .join(', ')}); CPU-bound ratio ${r.cpuBoundRatio}`,
  );
  rows.push(
    '',
    `null broker: ${r.nullBroker.cpuMsPerStart.total} CPU ms per session start (${Object.entries(
      r.nullBroker.cpuMsPerStart.parts,
    )
      .map(([name, ms]) => `${name} ${ms}`)
      .join(', ')}); ${r.nullBroker.perSecond} starts/s, ratio ${r.nullBroker.ratioToBareUpgrades} to bare upgrades`,
    `opening: ${r.opening.perSecond} session starts/s against ${r.bareUpgradesPerSecond} bare upgrades/s: ratio ${r.opening.ratioToBareUpgrades}` +
      ` (${r.opening.ratioToNullBroker} of the null broker's rate)`,
    `storm: all back ${r.storm.secondsUntilAllBack} s after kill -9; ${r.storm.sustainedStartsPerSecond} starts/s ` +
      `from the first back to the last, ${r.storm.peakStartsPerSecond} in the busiest second; ` +
      `${r.storm.failedTries} failed tries; ${r.storm.listenQueueOverflows} connections dropped by full listen queues; ` +
      `the CEM channel closed by the broker ${r.cemChannelClosedByBroker} times`,
    ...Object.entries(r.storm.failedBecause).map(([why, count]) => `  ${count} tries: ${why}`),
  );
  return `${rows.join('\n')}\n`;
}

const group = new ProcessGroup();
process.on('exit', () => group.killAllNow());
process.on('SIGINT', () => void group.stopAll(2_000).then(() => process.exit(130)));
// Exits when done: thousands of client sockets and agents that linger in their closing handshakes would
// otherwise keep the driver alive long after the figures are printed.
run(group)
  .then(() => group.stopAll(5_000))
  .catch(async (error: unknown) => {
    process.stderr.write(`bench storm: ${error instanceof Error ? error.message : String(error)}\n`);
    await group.stopAll(2_000);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
