import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { CONFIG, type Config } from '../../../../libs/config/src/index.js';
import { LOGGER } from '../../../../libs/observability/src/index.js';
import { Clock, WebhookDeliveryRepository } from '../../../../libs/store/src/index.js';
import { LANE_QUEUE, LaneQueue, type LaneJobData, webhookBackoffMs } from '../../../../libs/webhooks/src/index.js';
import { QueueWorker } from '../queue-worker.js';
import { WebhookSender } from './webhook-sender.js';

/** Lanes sent at once by one worker process; each is one receiver's one RM, sent in order. */
const CONCURRENCY = 20;

/**
 * Sends one lane's pending deliveries (one endpoint, one RM) in sequence order. A failed try leaves
 * the delivery at the head of its lane and moves the job to the delayed set for the backoff, so the
 * next delivery cannot overtake it; after the last try it becomes a dead letter and the lane moves on.
 */
@Injectable()
export class LaneWorker extends QueueWorker<LaneJobData> {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) logger: Logger,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly sender: WebhookSender,
    private readonly lanes: LaneQueue,
    private readonly clock: Clock,
  ) {
    super({
      queue: LANE_QUEUE,
      redisUrl: config.redisUrl,
      instanceId: config.instanceId,
      logger: logger.child({ component: 'webhook-lanes' }),
      settings: {
        concurrency: CONCURRENCY,
        // A crashed worker's lane is picked up again within about 15 s; the lock is renewed while a
        // job runs, however long its receiver takes.
        lockDuration: 10_000,
        stalledInterval: 5_000,
        maxStalledCount: 10,
      },
    });
  }

  protected async process(job: Job<LaneJobData>, token: string | undefined): Promise<void> {
    const { laneId } = job.data;
    // On SIGTERM the lane is left after the delivery in hand; `settled` puts its job back in the queue.
    while (!this.closing) {
      const head = await this.deliveries.head(laneId);
      if (!head || !head.endpoint.enabled) return;
      const at = this.clock.now();
      const result = await this.sender.send(head, at);
      const outcome = { attempts: head.attempts + 1, status: result.status, error: result.error, at };
      if (result.ok) {
        await this.deliveries.delivered(head.id, outcome);
        continue;
      }
      const dead = outcome.attempts >= this.config.webhooks.maxAttempts;
      await this.deliveries.failed(head.id, outcome, dead);
      this.logger.info(
        { deliveryId: head.id, endpointId: head.endpoint.id, attempts: outcome.attempts, error: result.error, dead },
        dead ? 'webhook delivery dead-lettered' : 'webhook delivery failed; retrying later',
      );
      if (dead) continue;
      const { backoffBaseMs, backoffMaxMs } = this.config.webhooks;
      await job.moveToDelayed(Date.now() + webhookBackoffMs(outcome.attempts, backoffBaseMs, backoffMaxMs), token);
      // Tells BullMQ the job was rescheduled, not failed: its attempts are not used up.
      throw new DelayedError();
    }
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
