import { Module } from '@nestjs/common';
import { SecurityModule } from '#security';
import { StoreModule } from '#store';
import { TenantAuthModule } from '#tenant-auth';
import { ConsoleAuth } from '../console/console-auth.service.js';
import { OperatorUserGuard, TenantPrincipalGuard } from './principal.guard.js';
import { JwtPrincipalSource, PrincipalResolver, SessionPrincipalSource } from './principal-sources.js';

const EXPORTED = [ConsoleAuth, PrincipalResolver, TenantPrincipalGuard, OperatorUserGuard];

/** The guards of the `/api/v1` routes (a tenant JWT or a console session) and `@CurrentTenant()`. */
@Module({
  imports: [TenantAuthModule, StoreModule, SecurityModule],
  providers: [...EXPORTED, JwtPrincipalSource, SessionPrincipalSource],
  exports: [TenantAuthModule, ...EXPORTED],
})
export class TenantGuardModule {}
