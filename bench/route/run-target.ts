// One target from start to stop: replicas up, CEM channels, RM sessions, idle memory, saturation, the
// latency rates, then every process it started is stopped, whatever happened.
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startBaseline } from './baseline-target.js';
import { startBroker } from './broker-target.js';
import { CpuMeter } from './cpu.js';
import { PROGRESS, traceLine } from './gc-trace.js';
import { rssKiB, sleep, type ProcessGroup } from './processes.js';
import type { Target } from './protocol.js';
import { round } from './round.js';
import { percentiles, type RateResult, type TargetResult } from './stats.js';
import { SATURATION_WINDOW_PER_WORKER, WORKERS, type Replicas, type TargetSetup } from './topology.js';
import { WorkerHandle } from './worker-handle.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./load-worker.js', import.meta.url));
/**
 * Before each RSS reading the replicas are left idle until V8 has given back what it used to set the
 * sessions up. Once allocation slows after a full collection, V8's memory reducer runs collections
 * that shrink the young generation (grown to 2 x 16 MiB under a burst of upgrades) and then the old
 * one: watched through a replica's heap metrics, the young generation went back 20 to 45 s after
 * 10,000 sessions had opened, the old generation's garbage some 90 s after, while RSS stayed flat for
 * 20 s and more in between. The reading then shows what sessions hold, not the garbage of opening
 * them; that garbage is in the peak reading.
 */
const SETTLE_MIN_MS = 60_000;
const SETTLE_MAX_MS = 240_000;
const SETTLE_POLL_MS = 2_500;
/** Settled: RSS fell by less than this fraction over the last SETTLE_STEADY_POLLS readings (30 s). */
const SETTLE_TOLERANCE = 0.005;
const SETTLE_STEADY_POLLS = 12;
/** How often the replicas' RSS is read while sessions open, for its peak. */
const PEAK_POLL_MS = 500;
/** What a phase may take beyond its own length (warm-up, drain, IPC of the samples). */
const PHASE_SLACK_MS = 20_000;

/**
 * The gateway replicas' CPU for each message sent at `perSecond` (and its answer the other way), in
 * µs: `replicas` is in % of one CPU over the phase.
 */
function gatewayCpuPerMessage(replicasPercent: number, perSecond: number): number {
  return round(((replicasPercent / 100) * 1_000_000) / perSecond, 1);
}

export interface RunSettings {
  readonly sessions: number;
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly redisUrl: string;
  readonly redisMode: 'standalone' | 'cluster';
  /** host:port of some nodes of the cluster, for `redisMode` cluster. */
  readonly clusterNodes: readonly string[];
  readonly databaseUrl: string;
  /** Each rate again with one message inspector open on a busy RM (the broker only). */
  readonly inspect: boolean;
}

function rssOf(replicas: Replicas): number {
  let sum = 0;
  for (const replica of replicas) {
    try {
      sum += rssKiB(replica.pid);
    } catch {
      throw new Error(`replica ${replica.name} (pid ${replica.pid}) is not running`);
    }
  }
  return sum;
}
const log = (line: string) => {
  traceLine(PROGRESS, line);
  process.stderr.write(`bench route: ${line}\n`);
};

/** The replicas' RSS once it has settled (see SETTLE_MIN_MS), in KiB. */
async function settledRss(replicas: Replicas): Promise<number> {
  const start = performance.now();
  const readings: number[] = [];
  for (;;) {
    await sleep(SETTLE_POLL_MS);
    readings.push(rssOf(replicas));
    const waited = performance.now() - start;
    const earlier = readings.at(-1 - SETTLE_STEADY_POLLS);
    const latest = readings.at(-1) as number;
    const steady = earlier !== undefined && earlier - latest < earlier * SETTLE_TOLERANCE;
    if ((waited >= SETTLE_MIN_MS && steady) || waited >= SETTLE_MAX_MS) return latest;
  }
}

/**
 * Reads the replicas' RSS every PEAK_POLL_MS until the returned function stops it and gives the
 * highest reading. A replica that exits meanwhile is for the opening to report, not for this.
 */
function watchPeakRss(replicas: Replicas): () => number {
  let peak = rssOf(replicas);
  const read = () => {
    try {
      peak = Math.max(peak, rssOf(replicas));
    } catch {
      // see above
    }
  };
  const timer = setInterval(read, PEAK_POLL_MS);
  return () => {
    clearInterval(timer);
    read();
    return peak;
  };
}

/** Saturation, then each rate, with the CPU each phase took. */
async function runPhases(target: Target, setup: TargetSetup, workers: WorkerHandle[], settings: RunSettings) {
  const { seconds } = settings;
  const meter = new CpuMeter(
    settings.redisMode === 'cluster' ? await clusterPrimaries(settings.clusterNodes) : [settings.redisUrl],
    setup.replicas.map((r) => r.pid),
    workers.map((w) => w.member.child.pid ?? 0),
  );
  /** Runs a phase on every worker at once and reads the CPU it took. */
  const phase = async <T>(run: (w: WorkerHandle) => Promise<T>) => {
    const before = await meter.read();
    const answers = await Promise.all(workers.map(run));
    return { answers, cpu: CpuMeter.between(before, await meter.read()) };
  };
  try {
    log(`${target}: saturation for ${seconds} s`);
    const window = SATURATION_WINDOW_PER_WORKER;
    const { answers: saturated, cpu: saturationCpu } = await phase((w) =>
      w.ask({ kind: 'saturate', seconds, window }, 'saturated', seconds * 1_000 + PHASE_SLACK_MS),
    );
    const rates: RateResult[] = [];
    const inspected: RateResult[] = [];
    const ratePhase = async (perSecond: number): Promise<RateResult> => {
      const share = perSecond / WORKERS;
      const { answers: rated, cpu } = await phase((w) =>
        w.ask({ kind: 'rate', perSecond: share, seconds }, 'rated', seconds * 1_000 + PHASE_SLACK_MS),
      );
      return {
        perSecond,
        achievedPerSecond: round(
          rated.reduce((sum, r) => sum + r.sent / (r.elapsedMs / 1_000), 0),
          1,
        ),
        rmToCemMs: percentiles(rated.map((r) => r.rmToCemMs)),
        cemToRmMs: percentiles(rated.map((r) => r.cemToRmMs)),
        rejected: rated.reduce((sum, r) => sum + r.rejected, 0),
        lost: rated.reduce((sum, r) => sum + r.lost, 0),
        cpu,
        gatewayCpuMicrosPerMessage: gatewayCpuPerMessage(cpu.replicas, perSecond),
      };
    };
    for (const perSecond of settings.rates) {
      log(`${target}: ${perSecond} messages/s for ${seconds} s`);
      rates.push(await ratePhase(perSecond));
      if (setup.inspect === undefined) continue;
      log(`${target}: ${perSecond} messages/s for ${seconds} s, one inspector open`);
      const inspector = await setup.inspect();
      // The replicas read which RMs are watched once a second.
      await sleep(1_500);
      try {
        const result = await ratePhase(perSecond);
        inspected.push({ ...result, inspector: inspector.close() });
      } finally {
        inspector.close();
      }
    }
    return { saturated, saturationCpu, rates, inspected };
  } finally {
    meter.close();
  }
}

async function measure(target: Target, setup: TargetSetup, workers: WorkerHandle[], settings: RunSettings) {
  const { sessions } = settings;
  await Promise.all(
    workers.map((w, i) => {
      const cem = setup.cems[i];
      if (cem === undefined) throw new Error(`no CEM channel for ${w.name}`);
      return w.ask({ kind: 'open-cem', cem }, 'cem-open', 30_000);
    }),
  );
  const plans = await setup.rms();
  const before = await settledRss(setup.replicas);
  log(`${target}: opening ${sessions} RM sessions`);
  const openStart = performance.now();
  const stopPeakWatch = watchPeakRss(setup.replicas);
  let peak = 0;
  const opened = await Promise.all(
    workers.map((w, i) =>
      w.ask(
        {
          kind: 'open-rms',
          rms: plans[i] ?? [],
          concurrency: setup.openConcurrency,
          awaitSessionOpened: setup.announcesSessions,
        },
        'rms-open',
        // Session initiation runs at tens to a couple of hundred a second on two shared cores.
        60_000 + sessions * 50,
      ),
    ),
  ).finally(() => {
    peak = stopPeakWatch();
  });
  const openSeconds = (performance.now() - openStart) / 1_000;
  const announced = opened.reduce((sum, o) => sum + o.sessionsAnnounced, 0);
  if (setup.announcesSessions && announced < sessions) {
    log(`${target}: only ${announced} of ${sessions} sessions were announced on the CEM channels`);
  }
  await setup.sessionsOpen?.();
  const after = await settledRss(setup.replicas);

  const { saturated, saturationCpu, rates, inspected } = await runPhases(target, setup, workers, settings);
  // Sockets that carried traffic hold compression contexts; idle ones do not.
  const afterTraffic = rssOf(setup.replicas);
  await Promise.all(workers.map((w) => w.ask({ kind: 'close' }, 'closed', 15_000)));
  const result: TargetResult = {
    target,
    redis: settings.redisMode,
    sessions: opened.reduce((sum, o) => sum + o.opened, 0),
    idleRssKiBPerSession: round((after - before) / sessions, 2),
    peakRssKiBPerSession: round((peak - before) / sessions, 2),
    rssKiBPerSessionAfterTraffic: round((afterTraffic - before) / sessions, 2),
    rssKiB: { before, peak, after, afterTraffic },
    openSeconds: round(openSeconds, 2),
    sessionsAnnounced: setup.announcesSessions ? announced : null,
    saturation: {
      messagesPerSecond: round(
        saturated.reduce((sum, s) => sum + s.delivered / (s.elapsedMs / 1_000), 0),
        0,
      ),
      delivered: saturated.reduce((sum, s) => sum + s.delivered, 0),
      rejected: saturated.reduce((sum, s) => sum + s.rejected, 0),
      lost: saturated.reduce((sum, s) => sum + s.lost, 0),
      window: SATURATION_WINDOW_PER_WORKER * WORKERS,
      cpu: saturationCpu,
    },
    rates,
    ...(inspected.length > 0 ? { inspected } : {}),
  };
  return result;
}

/** redis:// URLs of the cluster's primaries, as one of its nodes lists them. */
async function clusterPrimaries(nodes: readonly string[]): Promise<string[]> {
  const redis = new Redis(`redis://${nodes[0] ?? '127.0.0.1:7101'}`, { maxRetriesPerRequest: 1 });
  try {
    const listed = String(await redis.call('CLUSTER', 'NODES'));
    return listed
      .split('\n')
      .map((line) => line.split(' '))
      .filter((fields) => fields[2]?.includes('master') && !fields[2].includes('fail'))
      .map((fields) => `redis://${fields[1]?.split('@')[0]}`);
  } finally {
    redis.disconnect();
  }
}

export async function runTarget(target: Target, settings: RunSettings, group: ProcessGroup): Promise<TargetResult> {
  log(`${target}: starting two replicas`);
  let setup: TargetSetup | undefined;
  const workers: WorkerHandle[] = [];
  try {
    setup =
      target === 'broker'
        ? await startBroker(group, { ...settings, inspect: settings.inspect })
        : await startBaseline(group, settings.redisUrl, settings.sessions);
    for (let i = 0; i < WORKERS; i++)
      workers.push(new WorkerHandle(group.forkWorker(`load worker ${i}`, WORKER_SCRIPT)));
    return await measure(target, setup, workers, settings);
  } catch (error) {
    throw new Error(`${target}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // Workers first: their sockets close before the replicas stop, so no replica drains live sessions.
    await Promise.all(workers.map((w) => group.stop(w.member, 5_000)));
    await group.stopAll(15_000);
    await setup?.cleanup();
  }
}
