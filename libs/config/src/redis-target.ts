import type { ConfigIssue } from './config.error.js';
import type { Environment } from './load-config.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const REDIS_MODES = ['standalone', 'sentinel', 'cluster'] as const;
export type RedisMode = (typeof REDIS_MODES)[number];

export interface RedisNode {
  host: string;
  port: number;
}

/** Where the broker's Redis is and how to reach it: one server, a Sentinel-watched group, or a Cluster. */
export type RedisTarget =
  | {
      mode: 'standalone';
      /** `redis://` or `rediss://`; carries its own credentials and TLS. */
      url: string;
    }
  | {
      mode: 'sentinel';
      sentinels: readonly RedisNode[];
      /** The master group name the Sentinels watch. */
      name: string;
      /** Of the Redis servers; never log it. */
      password: string | null;
      /** Of the Sentinels themselves, when they require one; never log it. */
      sentinelPassword: string | null;
      tls: boolean;
    }
  | {
      mode: 'cluster';
      /** Seed nodes: ioredis learns the rest of the cluster from any one of them. */
      nodes: readonly RedisNode[];
      password: string | null;
      tls: boolean;
    };

// A host name, an IPv4 address or a bracketed IPv6 address, then a port.
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/;
// Sentinel's own rule for master names is loose; these characters are what works with every client.
const SENTINEL_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** `host:port,host:port` into nodes; the problem names the item's position, not its text. */
function nodeList(value: string): RedisNode[] | string {
  const items = value.split(',').map((item) => item.trim());
  const nodes: RedisNode[] = [];
  for (const [index, item] of items.entries()) {
    const match = HOST_PORT.exec(item);
    const port = match ? Number(match[3]) : 0;
    if (match === null || port < 1 || port > 65_535) {
      return `item ${index + 1} is not host:port (a host name, IPv4 or [IPv6] address, and a port from 1 to 65535)`;
    }
    nodes.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return nodes;
}

const given = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Reads REDIS_MODE and the settings of that mode. A setting of another mode is an error rather than
 * ignored: REDIS_SENTINELS without REDIS_MODE=sentinel is most likely a forgotten REDIS_MODE, and
 * running against the default local Redis instead would look healthy.
 */
export function redisTargetFromEnv(env: Environment, issues: ConfigIssue[]): RedisTarget | null {
  const mode = env.REDIS_MODE ?? 'standalone';
  if (!isRedisMode(mode)) {
    issues.push({ variable: 'REDIS_MODE', problem: `must be one of ${REDIS_MODES.join(', ')}` });
    return null;
  }
  const before = issues.length;
  const onlyFor = (variable: string, modes: string) => {
    if (env[variable] !== undefined) {
      issues.push({ variable, problem: `is only read when REDIS_MODE is ${modes} (it is ${mode})` });
    }
  };
  const nodes = (variable: string): RedisNode[] => {
    const value = env[variable];
    if (!given(value)) {
      issues.push({ variable, problem: `is required when REDIS_MODE is ${mode} (host:port,host:port)` });
      return [];
    }
    const parsed = nodeList(value);
    if (typeof parsed === 'string') {
      issues.push({ variable, problem: parsed });
      return [];
    }
    return parsed;
  };
  const tls = (): boolean => {
    const value = env.REDIS_TLS ?? 'false';
    if (value !== 'true' && value !== 'false') {
      issues.push({ variable: 'REDIS_TLS', problem: 'must be true or false' });
    }
    return value === 'true';
  };
  const password = (variable: string): string | null => (given(env[variable]) ? env[variable] : null);

  if (mode === 'standalone') {
    for (const variable of ['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']) {
      onlyFor(variable, 'sentinel');
    }
    onlyFor('REDIS_CLUSTER_NODES', 'cluster');
    for (const variable of ['REDIS_PASSWORD', 'REDIS_TLS']) {
      if (env[variable] !== undefined) {
        issues.push({
          variable,
          problem:
            'is only read when REDIS_MODE is sentinel or cluster (a standalone REDIS_URL carries its own password and rediss://)',
        });
      }
    }
    const url = env.REDIS_URL ?? DEFAULT_REDIS_URL;
    if (!isRedisUrl(url)) {
      issues.push({ variable: 'REDIS_URL', problem: 'must be a redis:// or rediss:// URL' });
    }
    return issues.length > before ? null : { mode, url };
  }
  onlyFor('REDIS_URL', 'standalone');
  if (mode === 'sentinel') {
    onlyFor('REDIS_CLUSTER_NODES', 'cluster');
    const sentinels = nodes('REDIS_SENTINELS');
    const name = env.REDIS_SENTINEL_NAME;
    if (!given(name)) {
      issues.push({
        variable: 'REDIS_SENTINEL_NAME',
        problem: 'is required when REDIS_MODE is sentinel (the master group name)',
      });
    } else if (!SENTINEL_NAME.test(name)) {
      issues.push({ variable: 'REDIS_SENTINEL_NAME', problem: 'must be 1 to 128 letters, digits, ".", "_" or "-"' });
    }
    const useTls = tls();
    if (issues.length > before || name === undefined) return null;
    return {
      mode,
      sentinels,
      name,
      password: password('REDIS_PASSWORD'),
      sentinelPassword: password('REDIS_SENTINEL_PASSWORD'),
      tls: useTls,
    };
  }
  for (const variable of ['REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD']) {
    onlyFor(variable, 'sentinel');
  }
  const clusterNodes = nodes('REDIS_CLUSTER_NODES');
  const useTls = tls();
  if (issues.length > before) return null;
  return { mode, nodes: clusterNodes, password: password('REDIS_PASSWORD'), tls: useTls };
}

function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'redis:' || url.protocol === 'rediss:';
  } catch {
    return false;
  }
}

function isRedisMode(value: string): value is RedisMode {
  return (REDIS_MODES as readonly string[]).includes(value);
}
