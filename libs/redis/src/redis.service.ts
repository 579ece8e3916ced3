import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { type DependencyErrorKind, LOGGER, Metrics } from '#observability';
import { closeRedis, createRedis, type RedisClient } from './create-redis.js';

/** Counts a connection's errors in `s2b_redis_errors_total`, labelled with what the connection is for. */
export function redisErrorCounter(metrics: Metrics, connection: string): (kind: DependencyErrorKind) => void {
  // Both series from the start, so that the first error is a rise Prometheus can see.
  for (const kind of ['connection', 'command'] as const) metrics.redisErrors.inc({ connection, kind }, 0);
  return (kind) => metrics.redisErrors.inc({ connection, kind });
}

/**
 * Owns the process's Redis connections. They close in the last shutdown phase (`onApplicationShutdown`),
 * so role modules can still use Redis while they drain in `beforeApplicationShutdown`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  /** The shared connection for ordinary commands. */
  readonly client: RedisClient;
  private readonly dedicated = new Set<RedisClient>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.client = this.open('shared', true);
  }

  /** A connection of its own, for subscriber mode or blocking commands; closed with this service. */
  dedicatedConnection(name: string, options: { shardedSubscriber?: boolean } = {}): RedisClient {
    const redis = this.open(name, false, options.shardedSubscriber);
    this.dedicated.add(redis);
    return redis;
  }

  /** Closes a connection of `dedicatedConnection` before this service ends. */
  async closeDedicated(redis: RedisClient): Promise<void> {
    this.dedicated.delete(redis);
    await closeRedis(redis);
  }

  /** Resolves when Redis answers PING; the caller bounds the wait. */
  async ping(): Promise<void> {
    // A command sent while disconnected would wait in the offline queue; the answer is already known.
    if (this.client.status !== 'ready') {
      throw new Error(`redis connection is ${this.client.status}`);
    }
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.client, ...this.dedicated].map(closeRedis));
    this.dedicated.clear();
  }

  private open(name: string, autoPipelining = false, shardedSubscriber = false): RedisClient {
    return createRedis(this.config.redis, name, {
      instanceId: this.config.instanceId,
      logger: this.logger,
      autoPipelining,
      ...(this.metrics ? { onError: redisErrorCounter(this.metrics, name) } : {}),
      shardedSubscriber,
    });
  }
}
