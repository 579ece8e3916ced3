// Routing benchmark: the broker's gateway against a minimal relay (bench/route/baseline-relay.ts),
// each as two replicas over Redis with the load in two separate worker processes. Prints, per target,
// idle RSS per RM session, RM->CEM messages per second at saturation, and one-way latency percentiles
// both ways at fixed rates; with `--target both` also broker/baseline. One JSON line, then a table.
//
//   npm run build && node dist/bench/route/main.js --target broker|baseline|both
//     [--sessions 10000] [--rates 1000,5000] [--seconds 10] [--inspect 1] [--redis standalone|cluster|both]
//
// `--inspect 1` runs each rate of the broker twice, without and then with one message inspector (a
// live stream through the API) on one RM, and prints the gateway's CPU per message for both.
//
// Needs PostgreSQL (broker only; database BENCH_DATABASE_URL, default s2_broker_bench on 127.0.0.1,
// migrated here) and Redis (REDIS_URL, default 127.0.0.1:6379). `--redis cluster` runs the broker on a
// Redis Cluster instead (REDIS_CLUSTER_NODES, default 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103, what
// `scripts/redis-topology.sh start cluster` starts), `both` on each, in one table; the baseline relay
// runs on the standalone Redis only. Every process it starts is stopped on
// success, on error and on SIGINT.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { damonMonitors, describeDamon } from './damon.js';
import { ProcessGroup } from './processes.js';
import type { Target } from './protocol.js';
import { table } from './report.js';
import { runTarget, type RunSettings } from './run-target.js';
import { ratios, type TargetResult } from './stats.js';
import { WORKERS } from './topology.js';

const USAGE =
  'usage: node dist/bench/route/main.js --target broker|baseline|both [--sessions N] [--rates R1,R2] [--seconds S] [--inspect 0|1] [--redis standalone|cluster|both]';

interface Settings extends Omit<RunSettings, 'redisMode'> {
  readonly targets: readonly Target[];
  readonly redisModes: readonly RunSettings['redisMode'][];
}

/** What watched the machine's memory at the start of the run and at its end, when that changed. */
function memoryMonitor(atStart: string): string {
  const atEnd = describeDamon(damonMonitors());
  return atEnd === atStart ? atStart : `at the start ${atStart}; at the end ${atEnd}`;
}

/** The bench sends traffic to this machine only. */
function loopback(name: string, text: string): string {
  let host: string;
  try {
    host = new URL(text).hostname;
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`${name} must point at 127.0.0.1`);
  return text;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      sessions: { type: 'string', default: '10000' },
      rates: { type: 'string', default: '1000,5000' },
      seconds: { type: 'string', default: '10' },
      inspect: { type: 'string', default: '0' },
      redis: { type: 'string', default: 'standalone' },
    },
  });
  const modes: Record<string, RunSettings['redisMode'][]> = {
    standalone: ['standalone'],
    cluster: ['cluster'],
    both: ['standalone', 'cluster'],
  };
  const redisModes = modes[values.redis];
  if (redisModes === undefined) throw new Error('--redis must be standalone, cluster or both');
  const clusterNodes = (process.env['REDIS_CLUSTER_NODES'] ?? '127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103')
    .split(',')
    .map((node) => loopback('REDIS_CLUSTER_NODES', `redis://${node.trim()}`).slice('redis://'.length));
  const targets: Record<string, Target[]> = {
    broker: ['broker'],
    baseline: ['baseline'],
    both: ['baseline', 'broker'],
  };
  const chosen = targets[values.target ?? ''];
  if (chosen === undefined) throw new Error('--target must be broker, baseline or both');
  const sessions = Number(values.sessions);
  if (!Number.isInteger(sessions) || sessions < WORKERS) throw new Error(`--sessions must be an integer >= ${WORKERS}`);
  const rates = values.rates.split(',').map(Number);
  if (rates.some((r) => !Number.isInteger(r) || r < 1))
    throw new Error('--rates must be positive integers, comma-separated');
  const seconds = Number(values.seconds);
  if (!(seconds >= 1 && seconds <= 3_600)) throw new Error('--seconds must be from 1 to 3600');
  if (values.inspect !== '0' && values.inspect !== '1') throw new Error('--inspect must be 0 or 1');
  return {
    targets: chosen,
    inspect: values.inspect === '1',
    redisModes,
    clusterNodes,
    sessions,
    rates,
    seconds,
    redisUrl: loopback('REDIS_URL', process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'),
    databaseUrl: loopback(
      'BENCH_DATABASE_URL',
      process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_bench',
    ),
  };
}

function print(config: Settings, results: readonly TargetResult[], damonAtStart: string): void {
  const monitor = memoryMonitor(damonAtStart);
  const broker = results.find((r) => r.target === 'broker');
  const baseline = results.find((r) => r.target === 'baseline');
  console.log(
    JSON.stringify({
      bench: 'route',
      node: process.version,
      cpus: availableParallelism(),
      replicas: 2,
      loadWorkers: WORKERS,
      sessions: config.sessions,
      seconds: config.seconds,
      rates: config.rates,
      memoryMonitor: monitor,
      results,
      ...(broker && baseline ? { ratios: ratios(broker, baseline) } : {}),
    }),
  );
  console.log(
    `route: ${config.sessions.toLocaleString('en')} RM sessions over 2 replicas, ${WORKERS} load workers, ` +
      `${config.seconds} s per phase, ${availableParallelism()} CPUs\n${monitor}\n${table(results)}`,
  );
}

const oneLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s*[\r\n]+\s*/g, ' ');

async function main(): Promise<number> {
  let config: Settings;
  try {
    config = settings();
  } catch (error) {
    process.stderr.write(`bench route: ${oneLine(error)}\n${USAGE}\n`);
    return 2;
  }
  const group = new ProcessGroup();
  process.on('exit', () => group.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench route: ${signal}, stopping what it started\n`);
      void group.stopAll(5_000).finally(() => process.exit(130));
    });
  }
  const damonAtStart = describeDamon(damonMonitors());
  const results: TargetResult[] = [];
  try {
    for (const redisMode of config.redisModes) {
      // The baseline relay speaks to one Redis server: it runs on the standalone one only.
      for (const target of config.targets.filter((t) => redisMode === 'standalone' || t === 'broker')) {
        results.push(await runTarget(target, { ...config, redisMode }, group));
      }
    }
  } catch (error) {
    if (results.length > 0) print(config, results, damonAtStart);
    process.stderr.write(`bench route: ${oneLine(error)}\n`);
    return 1;
  } finally {
    await group.stopAll(5_000);
  }
  print(config, results, damonAtStart);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench route: ${oneLine(error)}\n`);
    process.exitCode = 1;
  },
);
