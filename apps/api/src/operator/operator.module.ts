import { Module } from '@nestjs/common';
import { SecurityModule } from '../../../../libs/security/src/index.js';
import { StoreModule } from '../../../../libs/store/src/index.js';
import { CreateTenant } from './create-tenant.use-case.js';
import { ListTenants } from './list-tenants.use-case.js';
import { OperatorGuard } from './operator.guard.js';
import { TenantsController } from './tenants.controller.js';

/** The operator API, `/admin/v1`. */
@Module({
  imports: [StoreModule, SecurityModule],
  controllers: [TenantsController],
  providers: [OperatorGuard, CreateTenant, ListTenants],
})
export class OperatorModule {}
