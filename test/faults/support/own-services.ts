// A Redis and a PostgreSQL of the fault suite's own, on free ports and in temporary folders, that it can
// kill, restart (with or without what they held) and stop, without touching the machine's own servers.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from '../../support/broker.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(ready: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await sleep(100);
  }
}

/** redis-server on a port of its own; `restart({ keep: false })` brings it back empty, as without persistence. */
export class OwnRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 's2b-fault-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The REDIS_* settings of a broker on this server. */
  get env(): Record<string, string> {
    return { REDIS_URL: this.url };
  }

  private async launch(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await until(async () => {
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    }, 'redis-server');
  }

  /** kill -9, then the same port again: with what it held (a snapshot saved first) or empty. */
  async restart({ keep }: { keep: boolean }): Promise<void> {
    if (keep) execFileSync('redis-cli', ['-p', String(this.port), 'SAVE']);
    await this.kill();
    if (!keep) rmSync(join(this.dir, 'dump.rdb'), { force: true });
    await this.launch();
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function pgBin(name: string): string {
  const dir = process.env['PG_BIN_DIR'] ?? execFileSync('pg_config', ['--bindir']).toString().trim();
  return join(dir, name);
}

/** PostgreSQL runs as its own user when the suite runs as root (it refuses to run as root). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** A PostgreSQL cluster of its own (initdb), started and stopped with pg_ctl. */
export class OwnPostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 's2b-fault-pg-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnPostgres> {
    const postgres = new OwnPostgres(await freePort());
    if (process.getuid?.() === 0) {
      chownSync(postgres.dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
      chmodSync(postgres.dir, 0o700);
    }
    const [command, args] = asPostgres(pgBin('initdb'), ['-D', postgres.data, '-A', 'trust', '-U', 'postgres']);
    execFileSync(command, args, { stdio: 'ignore' });
    await postgres.resume();
    return postgres;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts (again), on the same port. */
  async resume(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off`;
    const [command, args] = asPostgres(pgBin('pg_ctl'), [
      '-D',
      this.data,
      '-o',
      options,
      '-w',
      '-l',
      join(this.dir, 'log'),
      'start',
    ]);
    execFileSync(command, args, { stdio: 'ignore' });
    await until(async () => {
      execFileSync(pgBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port)], { stdio: 'ignore' });
      return true;
    }, 'PostgreSQL');
  }

  /** Stops it (fast shutdown: connections are cut), as an outage would. */
  pause(): void {
    const [command, args] = asPostgres(pgBin('pg_ctl'), ['-D', this.data, '-m', 'fast', '-w', 'stop']);
    execFileSync(command, args, { stdio: 'ignore' });
  }

  async stop(): Promise<void> {
    try {
      this.pause();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const TOPOLOGY_SCRIPT = fileURLToPath(new URL('../../../scripts/redis-topology.sh', import.meta.url));

/**
 * A primary, a replica and three Sentinels of the suite's own (scripts/redis-topology.sh on free
 * ports), for REDIS_MODE=sentinel, and a failover on demand.
 */
export class OwnSentinelGroup {
  readonly name = 's2b-faults';
  private readonly dir = mkdtempSync(join(tmpdir(), 's2b-fault-sentinel-'));

  private constructor(
    readonly dataPorts: readonly number[],
    readonly sentinelPorts: readonly number[],
  ) {}

  static async start(): Promise<OwnSentinelGroup> {
    const ports = new Set<number>();
    while (ports.size < 5) ports.add(await freePort());
    const [primary, replica, ...sentinels] = [...ports] as [number, number, ...number[]];
    const group = new OwnSentinelGroup([primary, replica], sentinels);
    group.script('start');
    return group;
  }

  /** The REDIS_* settings of a broker on this group. */
  get env(): Record<string, string> {
    return {
      REDIS_MODE: 'sentinel',
      REDIS_SENTINELS: this.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_SENTINEL_NAME: this.name,
    };
  }

  /** The port of the primary, as the first Sentinel sees it. */
  primary(): number {
    const answer = execFileSync('redis-cli', [
      '-p',
      String(this.sentinelPorts[0]),
      'SENTINEL',
      'get-master-addr-by-name',
      this.name,
    ]);
    return Number(answer.toString().trim().split('\n')[1]);
  }

  /** SENTINEL FAILOVER: the replica becomes the primary; resolves once every Sentinel names it. */
  async failover(): Promise<void> {
    const before = this.primary();
    execFileSync('redis-cli', ['-p', String(this.sentinelPorts[0]), 'SENTINEL', 'FAILOVER', this.name]);
    await until(async () => this.primary() !== before, 'the new primary', 30_000);
  }

  async stop(): Promise<void> {
    this.script('stop');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private script(action: 'start' | 'stop'): void {
    execFileSync(TOPOLOGY_SCRIPT, [action, 'sentinel'], {
      stdio: 'ignore',
      env: {
        ...process.env,
        REDIS_TOPOLOGY_DIR: this.dir,
        REDIS_TOPOLOGY_SENTINEL_NAME: this.name,
        REDIS_TOPOLOGY_SENTINEL_DATA_PORTS: this.dataPorts.join(' '),
        REDIS_TOPOLOGY_SENTINEL_PORTS: this.sentinelPorts.join(' '),
      },
    });
  }
}

/** One node of a Redis Cluster, as `CLUSTER NODES` lists it. */
interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly primary: boolean;
  /** The id of its primary, for a replica. */
  readonly of: string;
  readonly failed: boolean;
}

/**
 * Three primaries with a replica each, of the suite's own (scripts/redis-topology.sh on free ports), for
 * REDIS_MODE=cluster, with a manual failover and a killed primary on demand.
 */
export class OwnRedisCluster {
  private readonly dir = mkdtempSync(join(tmpdir(), 's2b-fault-cluster-'));
  private readonly killed = new Set<number>();

  private constructor(readonly ports: readonly number[]) {}

  static async start(): Promise<OwnRedisCluster> {
    const ports = new Set<number>();
    while (ports.size < 6) ports.add(await freePort());
    const cluster = new OwnRedisCluster([...ports]);
    cluster.script('start');
    return cluster;
  }

  /** The REDIS_* settings of a broker on this cluster. */
  get env(): Record<string, string> {
    return {
      REDIS_MODE: 'cluster',
      REDIS_CLUSTER_NODES: this.ports
        .slice(0, 3)
        .map((port) => `127.0.0.1:${port}`)
        .join(','),
    };
  }

  nodes(): ClusterNode[] {
    const port = this.ports.find((p) => !this.killed.has(p)) as number;
    return cli(port, 'CLUSTER', 'NODES')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [id, address, flags, of] = line.split(' ') as [string, string, string, string];
        return {
          id,
          port: Number(address.split('@')[0]?.split(':')[1]),
          primary: flags.includes('master'),
          of,
          failed: flags.includes('fail'),
        };
      });
  }

  /** The port of the primary that holds the inbox of a gateway replica (by its INSTANCE_ID). */
  inboxPrimary(instanceId: string): number {
    const live = this.nodes().filter((node) => node.primary && !node.failed);
    const holder = live.find((node) => cli(node.port, 'PUBSUB', 'SHARDCHANNELS', `s2b:inbox:${instanceId}-*`) !== '');
    if (!holder) throw new Error(`no primary holds the inbox of ${instanceId}`);
    return holder.port;
  }

  replicaOf(primaryPort: number): number {
    const nodes = this.nodes();
    const primary = nodes.find((node) => node.port === primaryPort) as ClusterNode;
    const replica = nodes.find((node) => !node.primary && node.of === primary.id && !node.failed);
    if (!replica) throw new Error(`the primary on ${primaryPort} has no replica`);
    return replica.port;
  }

  /** CLUSTER FAILOVER on a replica: it becomes the primary of its shard, the primary its replica. */
  async failover(replicaPort: number): Promise<void> {
    cli(replicaPort, 'CLUSTER', 'FAILOVER');
    await until(async () => cli(replicaPort, 'ROLE').startsWith('master'), 'the promoted replica', 30_000);
  }

  /** kill -9 of a primary; resolves once its replica has taken over its slots. */
  async killPrimary(port: number): Promise<void> {
    const replica = this.replicaOf(port);
    const pid = Number(readFileSync(join(this.dir, 'cluster', `${port}.pid`), 'utf8'));
    process.kill(pid, 'SIGKILL');
    this.killed.add(port);
    await until(async () => cli(replica, 'ROLE').startsWith('master'), 'the replica of the killed primary', 30_000);
  }

  async stop(): Promise<void> {
    this.script('stop');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private script(action: 'start' | 'stop'): void {
    execFileSync(TOPOLOGY_SCRIPT, [action, 'cluster'], {
      stdio: 'ignore',
      env: { ...process.env, REDIS_TOPOLOGY_DIR: this.dir, REDIS_TOPOLOGY_CLUSTER_PORTS: this.ports.join(' ') },
    });
  }
}

function cli(port: number, ...args: string[]): string {
  return execFileSync('redis-cli', ['-p', String(port), ...args])
    .toString()
    .trim();
}
