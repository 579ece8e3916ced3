import { Module } from '@nestjs/common';
import { EventsModule } from '#events';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { MessageHistoryModule } from '../history/message-history.module.js';
import { CreateTenant } from './create-tenant.use-case.js';
import { DeleteTenant } from './delete-tenant.use-case.js';
import { GetTenant } from './get-tenant.use-case.js';
import { ListAllAuditEvents } from './list-all-audit-events.use-case.js';
import { ListTenants } from './list-tenants.use-case.js';
import { OperatorAuditEventsController } from './operator-audit-events.controller.js';
import { OperatorGuard } from './operator.guard.js';
import { TenantsController } from './tenants.controller.js';
import { UpdateTenant } from './update-tenant.use-case.js';

/** The operator API, `/admin/v1`. */
@Module({
  imports: [StoreModule, SecurityModule, EventsModule, MessageHistoryModule],
  controllers: [TenantsController, OperatorAuditEventsController],
  providers: [OperatorGuard, CreateTenant, ListTenants, GetTenant, UpdateTenant, DeleteTenant, ListAllAuditEvents],
  exports: [CreateTenant],
})
export class OperatorModule {}
