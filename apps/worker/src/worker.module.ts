import { Module } from '@nestjs/common';

/** The `worker` role: background jobs (expiry, cleanup). */
@Module({})
export class WorkerModule {}
