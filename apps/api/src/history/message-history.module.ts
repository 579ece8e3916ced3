import { Module } from '@nestjs/common';
import { RedisModule } from '#redis';
import { MessageHistory } from './message-history.js';

/** The kept messages in Redis, for the modules that read or remove them. */
@Module({ imports: [RedisModule], providers: [MessageHistory], exports: [MessageHistory] })
export class MessageHistoryModule {}
