import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '#observability';
import { Clock, WebhookDeliveryRepository } from '#store';
import { LaneQueue } from '#webhooks';
import { PeriodicTask } from '../periodic-task.js';

const SWEEP_MS = 5_000;
const LANES_PER_SWEEP = 1_000;
const PURGE_EVERY_MS = 3_600_000;
/** How long delivered rows are kept (for support questions); dead letters stay until redelivered. */
const KEEP_DELIVERED_MS = 7 * 24 * 3_600_000;

/**
 * The safety net: every few seconds, each lane with pending deliveries gets its job added. Adding is
 * a no-op for a lane whose job exists, so this only matters when a job was lost (a crash between
 * committing a delivery and adding the job, a job that failed for good, an endpoint enabled again).
 */
@Injectable()
export class LaneSweepService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task = new PeriodicTask(SWEEP_MS, () => this.sweep());
  private lastPurge = 0;
  private readonly logger: Logger;

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly lanes: LaneQueue,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'webhook-sweep' });
  }

  onApplicationBootstrap(): void {
    this.task.start({ runNow: false });
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  private async sweep(): Promise<void> {
    try {
      await this.lanes.schedule(await this.deliveries.lanesWithPending(LANES_PER_SWEEP));
      const now = this.clock.now();
      if (now.getTime() - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = now.getTime();
        await this.deliveries.purgeDelivered(new Date(now.getTime() - KEEP_DELIVERED_MS));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'webhook sweep failed');
    }
  }
}
