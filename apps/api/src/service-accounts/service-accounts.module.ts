import { Module } from '@nestjs/common';
import { EventsModule } from '#events';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { TenantGuardModule } from '../auth/tenant-guard.module.js';
import { CreateServiceAccount } from './create-service-account.use-case.js';
import { GetServiceAccount } from './get-service-account.use-case.js';
import { ListServiceAccounts } from './list-service-accounts.use-case.js';
import { RevokeServiceAccount } from './revoke-service-account.use-case.js';
import { RotateServiceAccountSecret } from './rotate-service-account-secret.use-case.js';
import { ServiceAccountsController } from './service-accounts.controller.js';

/** The tenant API's service accounts: its machine identities and their secrets. */
@Module({
  imports: [StoreModule, SecurityModule, EventsModule, TenantGuardModule],
  controllers: [ServiceAccountsController],
  providers: [
    CreateServiceAccount,
    ListServiceAccounts,
    GetServiceAccount,
    RotateServiceAccountSecret,
    RevokeServiceAccount,
  ],
})
export class ServiceAccountsModule {}
