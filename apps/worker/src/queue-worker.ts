import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { type Job, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { RedisTarget } from '#config';
import type { Metrics } from '#observability';
import { closeRedis, createRedis, type RedisClient, redisErrorCounter } from '#redis';
import { bullPrefix } from '#webhooks';

export interface QueueWorkerOptions {
  queue: string;
  redis: RedisTarget;
  instanceId: string;
  logger: Logger;
  /** Where the connection's errors are counted. */
  metrics?: Metrics;
  settings?: Omit<WorkerOptions, 'connection' | 'prefix' | 'autorun'>;
}

/**
 * A BullMQ worker with the process's lifecycle: it starts taking jobs once the app is up, and on
 * SIGTERM (before the app's connections close) it stops taking new ones and waits for the running
 * ones to finish. A job cut off by a crash instead is found by BullMQ's stalled-job check (its lock
 * runs out) and run again elsewhere.
 */
export abstract class QueueWorker<Data> implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  protected worker?: Worker<Data>;
  /** Set on SIGTERM: a job that loops over several items returns after the one in hand. */
  protected closing = false;
  private readonly connection: RedisClient;

  protected constructor(private readonly options: QueueWorkerOptions) {
    this.logger = options.logger;
    // BullMQ's workers must never see a command fail while Redis reconnects.
    const name = `worker:${options.queue}`;
    this.connection = createRedis(options.redis, name, {
      instanceId: options.instanceId,
      logger: options.logger,
      maxRetriesPerRequest: null,
      ...(options.metrics ? { onError: redisErrorCounter(options.metrics, name) } : {}),
    });
  }

  /** Runs one job; throwing fails this try (BullMQ retries by the job's options). */
  protected abstract process(job: Job<Data>, token: string | undefined): Promise<void>;

  /** Called after a job finished or failed for good, from this process. */
  protected abstract settled(job: Job<Data>): Promise<void>;

  onApplicationBootstrap(): void {
    const worker = new Worker<Data>(this.options.queue, (job, token) => this.process(job, token), {
      ...this.options.settings,
      connection: this.connection,
      prefix: bullPrefix(),
    });
    worker.on('error', (error) => this.logger.warn({ err: error }, 'queue worker error'));
    worker.on('completed', (job) => void this.afterJob(job));
    worker.on('failed', (job, error) => {
      if (!job) return;
      this.logger.warn({ err: error, jobId: job.id }, 'job failed');
      void this.afterJob(job);
    });
    this.worker = worker;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.worker?.close();
    await closeRedis(this.connection);
  }

  private async afterJob(job: Job<Data>): Promise<void> {
    try {
      await this.settled(job);
    } catch (error) {
      this.logger.warn({ err: error, jobId: job.id }, 'after-job check failed');
    }
  }
}
