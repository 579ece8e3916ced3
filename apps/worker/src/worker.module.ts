import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { StoreModule } from '#store';
import { WebhooksQueueModule } from '#webhooks';
import { InvitationSweepService } from './console/invitation-sweep.service.js';
import { EventIngestService } from './webhooks/event-ingest.service.js';
import { IngestLease } from './webhooks/ingest-lease.js';
import { LaneSweepService } from './webhooks/lane-sweep.service.js';
import { LaneWorker } from './webhooks/lane.worker.js';
import { WebhookSender } from './webhooks/webhook-sender.js';

/** The `worker` role: background jobs: the delivery of webhooks, the sweep of expired invitations. */
@Module({
  imports: [RedisModule, StoreModule, WebhooksQueueModule],
  providers: [EventIngestService, IngestLease, LaneWorker, LaneSweepService, WebhookSender, InvitationSweepService],
})
export class WorkerModule {}
