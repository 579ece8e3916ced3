import { Module } from '@nestjs/common';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { AuthController } from './auth.controller.js';
import { ExchangeClientCredentials } from './exchange-client-credentials.use-case.js';
import { TenantGuardModule } from './tenant-guard.module.js';

/** `POST /api/v1/auth/token`. */
@Module({
  imports: [StoreModule, SecurityModule, TenantGuardModule],
  controllers: [AuthController],
  providers: [ExchangeClientCredentials],
})
export class AuthModule {}
