import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { EventBus } from './event-bus.js';

/** The broker's event stream, for any role that publishes to it. */
@Module({
  imports: [RedisModule],
  providers: [EventBus],
  exports: [EventBus],
})
export class EventsModule {}
