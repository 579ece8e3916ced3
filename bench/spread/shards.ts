// The spread bench's reads of each primary of the cluster: command counts and sharded channels at a
// moment, and every key it holds once the run is over. Plain connections to each primary (no cluster
// client), so that the reads add nothing but their own `INFO`, `SCAN` and `PUBSUB`, left out of the counts.
import { Redis } from 'ioredis';
import { type Calls, infoField, parseCommandStats } from './counts.js';

export interface Primary {
  /** host:port */
  readonly address: string;
  /** The slot ranges it serves, as CLUSTER NODES lists them (`0-5460`). */
  readonly slots: string;
}

export interface Reading {
  readonly calls: Calls;
  readonly shardChannels: number;
  /** The server's CPU so far (user and system), in seconds. */
  readonly cpuSeconds: number;
  readonly at: number;
}

export class Shards {
  private readonly clients: Redis[];

  private constructor(readonly primaries: readonly Primary[]) {
    this.clients = primaries.map((p) => {
      const [host, port] = p.address.split(':');
      return new Redis({ host, port: Number(port), maxRetriesPerRequest: 1, lazyConnect: false });
    });
  }

  /** The primaries of the cluster that `node` belongs to, in slot order. */
  static async of(node: string): Promise<Shards> {
    const [host, port] = node.split(':');
    const redis = new Redis({ host, port: Number(port), maxRetriesPerRequest: 1 });
    try {
      const listed = String(await redis.call('CLUSTER', 'NODES'));
      const primaries = listed
        .split('\n')
        .map((line) => line.trim().split(' '))
        .filter((f) => f[2]?.includes('master') && !f[2].includes('fail') && f.length > 8)
        .map((f) => ({ address: (f[1] as string).split('@')[0] as string, slots: f.slice(8).join(' ') }))
        .sort((a, b) => Number(a.slots.split('-')[0]) - Number(b.slots.split('-')[0]));
      if (primaries.length === 0) throw new Error(`${node} lists no primary with slots`);
      return new Shards(primaries);
    } finally {
      redis.disconnect();
    }
  }

  read(): Promise<Reading[]> {
    return Promise.all(
      this.clients.map(async (redis) => {
        const info = await redis.info('commandstats', 'stats', 'cpu');
        return {
          calls: parseCommandStats(info),
          shardChannels: infoField(info, 'pubsubshard_channels'),
          cpuSeconds: infoField(info, 'used_cpu_user') + infoField(info, 'used_cpu_sys'),
          at: Date.now(),
        };
      }),
    );
  }

  /** The sharded channels each primary has subscribers on. */
  shardChannels(): Promise<string[][]> {
    return Promise.all(this.clients.map(async (redis) => (await redis.call('PUBSUB', 'SHARDCHANNELS')) as string[]));
  }

  /** Every key of each primary (SCAN: the keys stay served meanwhile). */
  keys(): Promise<string[][]> {
    return Promise.all(
      this.clients.map(async (redis) => {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'COUNT', 1_000);
          keys.push(...batch);
          cursor = next;
        } while (cursor !== '0');
        return keys;
      }),
    );
  }

  /** CLUSTER COUNTKEYSINSLOT of `slot` on the primary `shard`. */
  async keysInSlot(shard: number, slot: number): Promise<number> {
    return Number(await this.clients[shard]?.call('CLUSTER', 'COUNTKEYSINSLOT', slot));
  }

  close(): void {
    for (const redis of this.clients) redis.disconnect();
  }
}
