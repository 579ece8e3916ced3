import { Module } from '@nestjs/common';
import { ConnectStateModule } from '../../../../libs/connect-state/src/connect-state.module.js';
import { SecurityModule } from '../../../../libs/security/src/index.js';
import { StoreModule } from '../../../../libs/store/src/index.js';
import { TenantAuthModule } from '../auth/tenant-auth.module.js';
import { CreateServiceAccount } from './create-service-account.use-case.js';
import { GetServiceAccount } from './get-service-account.use-case.js';
import { ListServiceAccounts } from './list-service-accounts.use-case.js';
import { RevokeServiceAccount } from './revoke-service-account.use-case.js';
import { RotateServiceAccountSecret } from './rotate-service-account-secret.use-case.js';
import { ServiceAccountsController } from './service-accounts.controller.js';

/** The tenant API's service accounts: its machine identities and their secrets. */
@Module({
  imports: [StoreModule, SecurityModule, ConnectStateModule, TenantAuthModule],
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
