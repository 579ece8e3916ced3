import { Module } from '@nestjs/common';
import { DbModule } from '#db';
import { RedisModule } from '#redis';
import { DrainModule } from './drain.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

/** `/health/live` and `/health/ready`. Brings the global `DrainModule` with it. */
@Module({
  imports: [DbModule, RedisModule, DrainModule],
  controllers: [HealthController],
  providers: [HealthService],
  exports: [HealthService],
})
export class HealthModule {}
