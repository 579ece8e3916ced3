import { Module } from '@nestjs/common';
import { ReplicaRegistry } from '#cluster';
import { HealthModule } from '#health';
import { RedisModule } from '#redis';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { ConsoleModule } from '../console/console.module.js';
import { OperatorModule } from '../operator/operator.module.js';
import { OperatorOverviewController } from './operator-view.controller.js';
import { OperatorOverview } from './operator-view.use-cases.js';

/** `/api/v1/operator`: the operator's console, signed in as a user with role `operator`. */
@Module({
  imports: [StoreModule, RedisModule, HealthModule, TenantGuardModule, ConsoleModule, OperatorModule],
  controllers: [OperatorOverviewController],
  providers: [OperatorOverview, ReplicaRegistry],
})
export class OperatorViewModule {}
