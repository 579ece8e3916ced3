// What the run's processes used of the machine during a phase. On a machine the load shares with the
// target, latency tails follow how busy the cores are (a process that is ready waits for a core), so
// each phase reports, beside its figures, the replicas', the load workers' and Redis's CPU and the
// machine's: two targets' tails compare fairly only at comparable load.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import { round } from './round.js';

/** Each in % of one CPU (100 = one core busy for the whole phase). */
export interface CpuShare {
  readonly replicas: number;
  readonly workers: number;
  /** From Redis INFO; null when Redis would not say. */
  readonly redis: number | null;
  /**
   * Every process on the machine, this run's and others', and the kernel. Counted at timer ticks, so
   * a lightly loaded machine whose processes run in short bursts reads lower than its processes add
   * up to; the per-process figures are exact.
   */
  readonly machine: number;
  /** Time the hypervisor gave the machine's CPUs to someone else. */
  readonly steal: number;
  /**
   * % of the phase during which some ready task waited for a CPU (Linux pressure stall information),
   * null where the kernel does not keep it: what turns a busy machine into latency.
   */
  readonly cpuWait: number | null;
  /**
   * Times per second the replicas' main threads were taken off a CPU while they still had work
   * (involuntary context switches): each is a wait for a core in the middle of handling messages.
   */
  readonly replicaPreemptionsPerSecond: number;
  /**
   * Per Redis server (one, or each primary of a cluster): its CPU and the commands per second it ran,
   * all of them and the pub/sub and script ones: how the per-message work spreads over shards.
   */
  readonly perServer: readonly ServerShare[];
}

export interface ServerShare {
  readonly server: string;
  readonly cpu: number | null;
  readonly callsPerSecond: number;
  readonly publishPerSecond: number;
  readonly scriptsPerSecond: number;
}

/** What one Redis server had done when read: CPU seconds and calls by command. */
interface ServerReading {
  readonly server: string;
  readonly cpuSeconds: number | null;
  readonly calls: number;
  readonly publish: number;
  readonly scripts: number;
}

interface Reading {
  readonly at: number;
  /** USER_HZ ticks, summed over the machine's CPUs. */
  readonly total: number;
  readonly busy: number;
  readonly steal: number;
  readonly replicas: number;
  readonly workers: number;
  readonly redisSeconds: number | null;
  readonly servers: readonly ServerReading[];
  /** Microseconds some task waited for a CPU, since boot. */
  readonly waitedUs: number | null;
  readonly replicaPreemptions: number;
}

/** utime + stime of a process, in USER_HZ ticks; 0 once it is gone. */
function processTicks(pid: number): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // The command name may hold spaces and parentheses: fields are counted after its closing one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Involuntary context switches of a process's main thread; 0 once it is gone. */
function preemptions(pid: number): number {
  try {
    const found = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(found ?? 0);
  } catch {
    return 0;
  }
}

function machineTicks(): { total: number; busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { total, busy: total - idle - iowait, steal };
}

function cpuWaitedUs(): number | null {
  try {
    const total = /^some .*\btotal=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
    return total === undefined ? null : Number(total);
  } catch {
    return null;
  }
}

/** Reads the CPU of the replicas, the load workers, Redis and the machine at the edges of a phase. */
export class CpuMeter {
  private readonly servers: readonly Redis[];

  /** `redisUrls`: every Redis server that carries the run (each primary of a cluster). */
  constructor(
    redisUrls: readonly string[],
    private readonly replicaPids: readonly number[],
    private readonly workerPids: readonly number[],
  ) {
    this.servers = redisUrls.map((url) => {
      const redis = new Redis(url, { maxRetriesPerRequest: 1, connectionName: 'bench-route:cpu' });
      redis.on('error', () => undefined);
      return redis;
    });
  }

  async read(): Promise<Reading> {
    const sum = (pids: readonly number[]) => pids.reduce((n, pid) => n + processTicks(pid), 0);
    const machine = machineTicks();
    return {
      at: performance.now(),
      ...machine,
      replicas: sum(this.replicaPids),
      workers: sum(this.workerPids),
      waitedUs: cpuWaitedUs(),
      replicaPreemptions: this.replicaPids.reduce((n, pid) => n + preemptions(pid), 0),
      ...(await this.readServers()),
    };
  }

  /** The share of each part between two readings. */
  static between(before: Reading, after: Reading): CpuShare {
    // /proc/stat counts every CPU's ticks: per CPU, the elapsed ticks are the total over the CPU count.
    const ticksPerCpu = (after.total - before.total) / availableParallelism();
    const share = (ticks: number) => (ticksPerCpu > 0 ? round((100 * ticks) / ticksPerCpu, 1) : 0);
    const seconds = (after.at - before.at) / 1_000;
    return {
      replicas: share(after.replicas - before.replicas),
      workers: share(after.workers - before.workers),
      redis:
        before.redisSeconds === null || after.redisSeconds === null || seconds <= 0
          ? null
          : round((100 * (after.redisSeconds - before.redisSeconds)) / seconds, 1),
      machine: share(after.busy - before.busy),
      steal: share(after.steal - before.steal),
      cpuWait:
        before.waitedUs === null || after.waitedUs === null || seconds <= 0
          ? null
          : round((after.waitedUs - before.waitedUs) / 1_000 / (10 * seconds), 1),
      replicaPreemptionsPerSecond:
        seconds > 0 ? round((after.replicaPreemptions - before.replicaPreemptions) / seconds, 0) : 0,
      perServer: after.servers.map((server, i) => {
        const earlier = before.servers[i] as ServerReading;
        const rate = (n: number) => (seconds > 0 ? round(n / seconds, 0) : 0);
        return {
          server: server.server,
          cpu:
            server.cpuSeconds === null || earlier.cpuSeconds === null || seconds <= 0
              ? null
              : round((100 * (server.cpuSeconds - earlier.cpuSeconds)) / seconds, 1),
          callsPerSecond: rate(server.calls - earlier.calls),
          publishPerSecond: rate(server.publish - earlier.publish),
          scriptsPerSecond: rate(server.scripts - earlier.scripts),
        };
      }),
    };
  }

  close(): void {
    for (const redis of this.servers) redis.disconnect();
  }

  /** Every server's CPU and command counts; the Redis CPU is their sum. */
  private async readServers(): Promise<{ redisSeconds: number | null; servers: ServerReading[] }> {
    const servers = await Promise.all(this.servers.map(readServer));
    const seconds = servers.map((s) => s.cpuSeconds);
    const redisSeconds = seconds.some((n) => n === null) ? null : seconds.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
    return { redisSeconds, servers };
  }
}

async function readServer(redis: Redis): Promise<ServerReading> {
  const server = `${redis.options.host}:${redis.options.port}`;
  try {
    const info = await redis.info('all');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const calls = (command: string) => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    const cpuSeconds = field('used_cpu_sys') + field('used_cpu_user');
    let total = 0;
    for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) total += Number(match[1]);
    return {
      server,
      cpuSeconds: Number.isFinite(cpuSeconds) ? cpuSeconds : null,
      calls: total,
      publish: calls('publish') + calls('spublish'),
      scripts: calls('evalsha') + calls('eval'),
    };
  } catch {
    return { server, cpuSeconds: null, calls: 0, publish: 0, scripts: 0 };
  }
}
