import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TenantAuthModule } from '#tenant-auth';
import { TenantJwtGuard } from './tenant-jwt.guard.js';
import { TenantJwtStrategy } from './tenant-jwt.strategy.js';

/** `TenantJwtGuard` and `@CurrentTenant()` for the tenant API's routes. */
@Module({
  imports: [TenantAuthModule, PassportModule],
  providers: [TenantJwtStrategy, TenantJwtGuard],
  exports: [TenantAuthModule, TenantJwtGuard],
})
export class TenantGuardModule {}
