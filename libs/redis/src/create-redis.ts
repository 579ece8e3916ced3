import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface CreateRedisOptions {
  /** Part of the connection name, so that `CLIENT LIST` tells replicas apart. */
  instanceId?: string;
  /** Receives connection errors; without it they are dropped (ioredis would print them as plain text). */
  logger?: Logger;
  /**
   * Failed tries of one command before it is rejected (default 2). BullMQ's blocking connections need
   * null (retry until the connection is back), since its workers must never see a command fail.
   */
  maxRetriesPerRequest?: number | null;
  /**
   * Commands issued in one tick of the event loop leave in one write (ioredis's auto-pipelining). On
   * loopback and in a pod alike, the write is what a command costs the broker: a session start's dozen
   * commands, from many starts at once, share a few. Not for subscriber or blocking connections.
   */
  autoPipelining?: boolean;
}

/**
 * The one way the broker opens a Redis connection. `name` says what the connection is for (`shared`,
 * `subscriber`, ...); subscribers and blocking commands need a connection of their own.
 */
export function createRedis(url: string, name: string, options: CreateRedisOptions = {}): Redis {
  const connectionName = `s2-broker:${options.instanceId ?? hostname()}:${name}`;
  const redis = new Redis(url, {
    connectionName,
    lazyConnect: false,
    // Fail a command after a few reconnect attempts instead of holding the request that sent it.
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  watchConnection(redis, name, options.logger);
  return redis;
}

// ioredis emits an error for every failed reconnect attempt; one line per outage is enough.
function watchConnection(redis: Redis, name: string, logger: Logger | undefined): void {
  const log = logger?.child({ component: 'redis', connection: name });
  let lastError: string | undefined;
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) {
      lastError = error.message;
      log?.warn({ error: error.message }, 'redis connection error');
    }
  });
  redis.on('ready', () => {
    if (lastError !== undefined) {
      log?.info('redis connection restored');
    }
    lastError = undefined;
  });
}

/** Closes a connection without waiting on a server that is not there. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') {
    return;
  }
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
