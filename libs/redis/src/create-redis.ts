import { hostname } from 'node:os';
import { Cluster, type Command, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisTarget } from '#config';
import type { DependencyErrorKind } from '#observability';
import { useHashTags } from './key-prefix.js';

/** A connection to the broker's Redis, whichever its topology: one server (standalone, Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

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
  /** Told of every error: each failed (re)connection attempt, each command Redis or ioredis failed. */
  onError?: (kind: DependencyErrorKind) => void;
  /**
   * For a connection that takes sharded subscriptions (SSUBSCRIBE): on a cluster, ioredis then keeps one
   * subscriber per primary and moves the subscriptions along when slots change hands.
   */
  shardedSubscriber?: boolean;
}

/**
 * The one way the broker opens a Redis connection, in every `REDIS_MODE`. `name` says what the
 * connection is for (`shared`, `subscriber`, ...); subscribers and blocking commands need a connection
 * of their own.
 */
export function createRedis(target: RedisTarget, name: string, options: CreateRedisOptions = {}): RedisClient {
  // A process has one Redis: its keys carry hash tags exactly when that Redis is a cluster.
  useHashTags(target.mode === 'cluster');
  const common: RedisOptions = {
    connectionName: `s2-broker:${options.instanceId ?? hostname()}:${name}`,
    lazyConnect: false,
    // Fail a command after a few reconnect attempts instead of holding the request that sent it.
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  let redis: RedisClient;
  switch (target.mode) {
    case 'standalone':
      redis = new Redis(target.url, common);
      break;
    case 'sentinel':
      redis = new Redis({
        ...common,
        sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
        name: target.name,
        role: 'master',
        ...(target.password === null ? {} : { password: target.password }),
        ...(target.sentinelPassword === null ? {} : { sentinelPassword: target.sentinelPassword }),
        // TLS both to the Sentinels and to the primary they name.
        ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
        // Sentinels are asked again on every reconnect, so a failover is a reconnect to the new master;
        // the detector hears the Sentinels' +switch-master and reconnects at once, where a demoted
        // master would otherwise keep a subscriber that no longer hears the publishers.
        sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        failoverDetector: true,
        // A primary demoted by a failover answers READONLY to writes until ioredis has moved on: such a
        // write was not done, so it is sent again (2) once connected to the new primary.
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      });
      break;
    case 'cluster':
      redis = new Cluster(
        target.nodes.map(({ host, port }) => ({ host, port })),
        {
          clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
          enableAutoPipelining: common.enableAutoPipelining ?? false,
          shardedSubscribers: options.shardedSubscriber ?? false,
          redisOptions: {
            connectionName: common.connectionName,
            connectTimeout: common.connectTimeout,
            maxRetriesPerRequest: common.maxRetriesPerRequest,
            ...(target.password === null ? {} : { password: target.password }),
            ...(target.tls ? { tls: {} } : {}),
          },
          lazyConnect: false,
        },
      );
      break;
  }
  watchConnection(redis, name, options.logger);
  if (options.onError) countErrors(redis, options.onError);
  return redis;
}

// ioredis's own rejections of commands it could not send: the connection's, not the command's.
const UNSENT = /Connection is closed|max retries per request|Stream isn't writeable/i;

function countErrors(redis: RedisClient, onError: (kind: DependencyErrorKind) => void): void {
  redis.on('error', () => onError('connection'));
  const failed = (error: unknown): void =>
    onError(error instanceof Error && UNSENT.test(error.message) ? 'connection' : 'command');
  const send = redis.sendCommand.bind(redis) as (command: Command, ...rest: unknown[]) => unknown;
  // Per command, not per S2 message: the replica bus sends a batch of messages in one PUBLISH.
  (redis as { sendCommand: typeof send }).sendCommand = (command, ...rest) => {
    command.promise.catch(failed);
    return send(command, ...rest);
  };
}

// ioredis emits an error for every failed reconnect attempt; one line per outage is enough.
function watchConnection(redis: RedisClient, name: string, logger: Logger | undefined): void {
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
export async function closeRedis(redis: RedisClient): Promise<void> {
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
    // ended below
  }
  // QUIT leaves the Sentinel failover detector's connections open; this ends them too.
  redis.disconnect();
}
