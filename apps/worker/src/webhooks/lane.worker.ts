import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { CONFIG, type Config } from '#config';
import { LOGGER, Metrics, TenantLabels } from '#observability';
import { Clock, WebhookDeliveryRepository } from '#store';
import { LANE_QUEUE, LaneQueue, type LaneJobData } from '#webhooks';
import { QueueWorker } from '../queue-worker.js';
import { drainLane, type LaneDrainDeps } from './lane-drain.js';
import { WebhookSender } from './webhook-sender.js';

/** Lanes sent at once by one worker process; each is one receiver's one RM, sent in order. */
const CONCURRENCY = 20;
/** BullMQ's largest job priority (2^21). */
const LOWEST_PRIORITY = 2_097_152;

/**
 * Sends one lane's pending deliveries (one endpoint, one RM) in sequence order. A failed try leaves
 * the delivery at the head of its lane and moves the job to the delayed set for the backoff, so the
 * next delivery cannot overtake it; after the last try it becomes a dead letter and the lane moves on.
 */
@Injectable()
export class LaneWorker extends QueueWorker<LaneJobData> {
  private readonly drainDeps: LaneDrainDeps;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly deliveries: WebhookDeliveryRepository,
    sender: WebhookSender,
    private readonly lanes: LaneQueue,
    clock: Clock,
    metrics: Metrics,
  ) {
    super({
      queue: LANE_QUEUE,
      redis: config.redis,
      instanceId: config.instanceId,
      logger: logger.child({ component: 'webhook-lanes' }),
      metrics,
      settings: {
        concurrency: CONCURRENCY,
        // A crashed worker's lane is picked up again within about 15 s; the lock is renewed while a
        // job runs, however long its receiver takes.
        lockDuration: 10_000,
        stalledInterval: 5_000,
        maxStalledCount: 10,
      },
    });
    const deadLetters = new Counter({
      name: 's2b_webhook_dead_letters_total',
      help: 'Webhook deliveries that used up their tries and became dead letters',
      registers: [metrics.registry],
    });
    const tenants = new TenantLabels(config.metricsTenants);
    const tries = metrics.webhookDeliveries;
    for (const outcome of ['delivered', 'retry', 'dead'])
      for (const tenant of tenants.all()) tries.inc({ outcome, tenant }, 0);
    this.drainDeps = {
      deliveries,
      send: (delivery, at) => sender.send(delivery, at),
      now: () => clock.now(),
      policy: config.webhooks,
      onDelivered: (head) => tries.inc({ outcome: 'delivered', tenant: tenants.of(head.tenantId) }),
      onFailure: (head, outcome, dead) => {
        if (dead) deadLetters.inc();
        tries.inc({ outcome: dead ? 'dead' : 'retry', tenant: tenants.of(head.tenantId) });
        this.logger.info(
          {
            tenantId: head.tenantId,
            deliveryId: head.id,
            endpointId: head.endpoint.id,
            attempts: outcome.attempts,
            error: outcome.error,
            dead,
          },
          dead ? 'webhook delivery dead-lettered' : 'webhook delivery failed; retrying later',
        );
      },
    };
  }

  protected async process(job: Job<LaneJobData>, token: string | undefined): Promise<void> {
    // On SIGTERM the lane is left after the delivery in hand; `settled` puts its job back in the queue.
    const wait = await drainLane(job.data.laneId, this.drainDeps, () => this.closing);
    if (wait === undefined) return;
    await job.changePriority({ priority: await this.retryPriority(wait.tenantId) });
    await job.moveToDelayed(Date.now() + wait.retryInMs, token);
    // Tells BullMQ the job was rescheduled, not failed: its attempts are not used up.
    throw new DelayedError();
  }

  /**
   * A retry that is due waits behind every new delivery (those jobs have no priority and go first),
   * and behind the due retries of tenants with fewer failing lanes: a tenant whose many receivers
   * are gone has its retries taken last, so it cannot hold up another tenant's retries, however
   * many of its lanes come due at once.
   */
  private async retryPriority(tenantId: string): Promise<number> {
    const retrying = await this.deliveries.retryingLanes(tenantId);
    return Math.min(Math.max(retrying, 1), LOWEST_PRIORITY);
  }

  /**
   * A delivery recorded while the job was finishing found the job still there, so adding the lane's
   * job was a no-op. The job is gone now (removed on completion): look again.
   */
  protected async settled(job: Job<LaneJobData>): Promise<void> {
    const { laneId } = job.data;
    const head = await this.deliveries.head(laneId);
    if (head?.endpoint.enabled) await this.lanes.schedule([laneId]);
  }
}
