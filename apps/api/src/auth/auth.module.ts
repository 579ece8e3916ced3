import { Module } from '@nestjs/common';
import { SecurityModule } from '../../../../libs/security/src/index.js';
import { StoreModule } from '../../../../libs/store/src/index.js';
import { AuthController } from './auth.controller.js';
import { ExchangeClientCredentials } from './exchange-client-credentials.use-case.js';
import { TenantAuthModule } from './tenant-auth.module.js';

/** `POST /api/v1/auth/token`. */
@Module({
  imports: [StoreModule, SecurityModule, TenantAuthModule],
  controllers: [AuthController],
  providers: [ExchangeClientCredentials],
})
export class AuthModule {}
