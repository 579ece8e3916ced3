import { Module } from '@nestjs/common';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { AuditEventsController } from './audit-events.controller.js';
import { ListAuditEvents } from './list-audit-events.use-case.js';

/** The tenant API's audit trail. */
@Module({
  imports: [StoreModule, TenantGuardModule],
  controllers: [AuditEventsController],
  providers: [ListAuditEvents],
})
export class AuditModule {}
