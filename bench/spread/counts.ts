// What the spread bench reads from each primary, and the arithmetic on it: command counts from
// `INFO commandstats`, their difference over a phase, and the kind of each key the broker keeps, so
// that keys can be counted by kind and shard. Pure: main.ts does the reading.

/** Calls per command name (lower case), from the text of `INFO commandstats`. */
export type Calls = ReadonlyMap<string, number>;

/** The bench's own reads (`INFO`, `SCAN`, `PUBSUB`, `DBSIZE`) are left out of every count. */
const OWN = new Set(['info', 'scan', 'pubsub|shardchannels', 'dbsize', 'cluster|countkeysinslot', 'ping']);

export function parseCommandStats(info: string): Calls {
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const name = (match[1] as string).toLowerCase();
    if (!OWN.has(name)) calls.set(name, Number(match[2]));
  }
  return calls;
}

/** A numeric field of `INFO` (e.g. `pubsubshard_channels`, `used_cpu_user`); NaN when absent. */
export function infoField(info: string, name: string): number {
  return Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
}

/** Calls made between two readings of one server. */
export function between(before: Calls, after: Calls): Calls {
  const delta = new Map<string, number>();
  for (const [name, count] of after) {
    const made = count - (before.get(name) ?? 0);
    if (made > 0) delta.set(name, made);
  }
  return delta;
}

export function total(calls: Calls): number {
  let sum = 0;
  for (const count of calls.values()) sum += count;
  return sum;
}

/** The groups of commands the report names; the rest are `other`. */
export const GROUPS = {
  spublish: ['spublish'],
  publish: ['publish'],
  scripts: ['evalsha', 'eval', 'fcall', 'evalsha_ro', 'eval_ro', 'fcall_ro'],
  streams: ['xadd', 'xread', 'xreadgroup', 'xack', 'xtrim', 'xautoclaim', 'xclaim', 'xrange', 'xrevrange'],
} as const;

export function grouped(calls: Calls): Record<keyof typeof GROUPS | 'total' | 'other', number> {
  const sum = (names: readonly string[]) => names.reduce((s, n) => s + (calls.get(n) ?? 0), 0);
  const spublish = sum(GROUPS.spublish);
  const publish = sum(GROUPS.publish);
  const scripts = sum(GROUPS.scripts);
  const streams = sum(GROUPS.streams);
  const all = total(calls);
  return { total: all, spublish, publish, scripts, streams, other: all - spublish - publish - scripts - streams };
}

/** The `n` most called commands, `name count`, most first. */
export function top(calls: Calls, n: number): string[] {
  return [...calls]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, count]) => `${name} ${count}`);
}

/** Largest over mean: 1 is even, `values.length` is all on one. */
export function imbalance(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean === 0 ? 1 : Math.max(...values) / mean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The kind of a key: its name with ids put as `*` (UUIDs, the given replicas' ids, numbers between
 * separators, long hex digests), so that `s2b:{rm:<uuid>}:snapshot:<uuid>` and every other RM's
 * snapshot count as one kind.
 */
export function keyKind(key: string, replicas: readonly string[]): string {
  let kind = key.replace(UUID, '*');
  // A replica's id in Redis is its instance id and a random suffix.
  for (const replica of replicas) kind = kind.replace(new RegExp(`${replica}-[0-9a-f]{8}`, 'g'), '<replica>');
  return kind.replace(/(?<=[:{])[0-9a-f]{32,}(?=$|[:}])/gi, '*').replace(/(?<=[:{])\d+(?=$|[:}])/g, '*');
}

/** Keys counted by kind, then by shard (index of the primary). */
export function countByKind(keysByShard: readonly (readonly string[])[], replicas: readonly string[]) {
  const kinds = new Map<string, number[]>();
  keysByShard.forEach((keys, shard) => {
    for (const key of keys) {
      const kind = keyKind(key, replicas);
      let counts = kinds.get(kind);
      if (counts === undefined) kinds.set(kind, (counts = keysByShard.map(() => 0)));
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
  });
  return [...kinds].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
