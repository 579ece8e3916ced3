import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { StoreModule } from '#store';
import { WebhooksQueueModule } from '#webhooks';
import { EventIngestService } from './webhooks/event-ingest.service.js';
import { IngestLease } from './webhooks/ingest-lease.js';
import { LaneSweepService } from './webhooks/lane-sweep.service.js';
import { LaneWorker } from './webhooks/lane.worker.js';
import { WebhookSender } from './webhooks/webhook-sender.js';

/** The `worker` role: background jobs; today the delivery of webhooks. */
@Module({
  imports: [RedisModule, StoreModule, WebhooksQueueModule],
  providers: [EventIngestService, IngestLease, LaneWorker, LaneSweepService, WebhookSender],
})
export class WorkerModule {}
