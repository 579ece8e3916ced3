import { Module } from '@nestjs/common';
import { LaneQueue } from './lane-queue.js';

/** The webhook lane queue, for the roles that schedule deliveries (worker, api). */
@Module({
  providers: [LaneQueue],
  exports: [LaneQueue],
})
export class WebhooksQueueModule {}
