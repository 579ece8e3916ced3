import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '#config';
import { LOGGER, Metrics } from '#observability';
import { closeRedis, createRedis, hashTagsInUse, type RedisClient, redisErrorCounter } from '#redis';

/**
 * BullMQ keys start with the broker's own prefix: `s2b:webhook-lanes:...`. On a cluster the prefix is a
 * hash tag, `{s2b}:webhook-lanes:...`, BullMQ's way of keeping the keys its scripts touch together in
 * one slot.
 */
export function bullPrefix(): string {
  return hashTagsInUse() ? '{s2b}' : 's2b';
}
export const LANE_QUEUE = 'webhook-lanes';

export interface LaneJobData {
  laneId: string;
}

/**
 * One job id per lane: adding a job for a lane that has one (waiting, running or waiting out its
 * backoff) is a no-op, which is what keeps one lane's deliveries on one job at a time.
 */
export function laneJobId(laneId: string): string {
  return `lane-${laneId}`;
}

/** Makes sure lanes with pending deliveries have their job. Used by the worker and the tenant API. */
@Injectable()
export class LaneQueue implements OnApplicationShutdown {
  readonly queue: Queue<LaneJobData>;
  private readonly connection: RedisClient;

  constructor(@Inject(CONFIG) config: Config, @Inject(LOGGER) logger: Logger, @Optional() metrics?: Metrics) {
    // Commands fail fast here (the default), unlike a worker's: an API request should not hang on Redis.
    this.connection = createRedis(config.redis, 'webhook-queue', {
      instanceId: config.instanceId,
      logger,
      ...(metrics ? { onError: redisErrorCounter(metrics, 'webhook-queue') } : {}),
    });
    this.queue = new Queue<LaneJobData>(LANE_QUEUE, { connection: this.connection, prefix: bullPrefix() });
    this.queue.on('error', (error) => logger.warn({ err: error, component: 'webhooks' }, 'webhook queue error'));
  }

  async schedule(laneIds: readonly string[]): Promise<void> {
    if (laneIds.length === 0) return;
    await this.queue.addBulk(
      laneIds.map((laneId) => ({
        name: 'lane',
        data: { laneId },
        opts: {
          jobId: laneJobId(laneId),
          // Failed tries of a delivery do not count here (the job reschedules itself); these are for
          // the job failing outright, e.g. PostgreSQL being away.
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000 },
          // A finished job must be gone, or adding the lane's next job would be a no-op.
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await closeRedis(this.connection);
  }
}
