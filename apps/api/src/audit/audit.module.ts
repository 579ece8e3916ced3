import { Module } from '@nestjs/common';
import { StoreModule } from '../../../../libs/store/src/index.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { AuditEventsController } from './audit-events.controller.js';
import { ListAuditEvents } from './list-audit-events.use-case.js';

/** The tenant API's audit trail. */
@Module({
  imports: [StoreModule, TenantAuthModule],
  controllers: [AuditEventsController],
  providers: [ListAuditEvents],
})
export class AuditModule {}
