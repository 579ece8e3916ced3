import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { CONFIG, type Config } from '../../../../libs/config/src/index.js';
import { StoreModule } from '../../../../libs/store/src/index.js';
import { TenantAuthService } from './tenant-auth.service.js';
import { TenantJwtGuard } from './tenant-jwt.guard.js';
import { TenantJwtStrategy } from './tenant-jwt.strategy.js';
import { TENANT_JWT_ALGORITHM, TENANT_JWT_AUDIENCE, TENANT_JWT_ISSUER } from './tenant-principal.js';

/**
 * Tenant authentication, for any role that serves tenants: `TenantJwtGuard` and `@CurrentTenant()`
 * for HTTP routes, `TenantAuthService.verifyTenantJwt` for the CEM channel's upgrade.
 */
@Module({
  imports: [
    StoreModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => ({
        secret: config.jwtSecret,
        signOptions: {
          algorithm: TENANT_JWT_ALGORITHM,
          issuer: TENANT_JWT_ISSUER,
          audience: TENANT_JWT_AUDIENCE,
          expiresIn: config.jwtTtlSeconds,
        },
        verifyOptions: {
          algorithms: [TENANT_JWT_ALGORITHM],
          issuer: TENANT_JWT_ISSUER,
          audience: TENANT_JWT_AUDIENCE,
        },
      }),
    }),
  ],
  providers: [TenantAuthService, TenantJwtStrategy, TenantJwtGuard],
  exports: [TenantAuthService, TenantJwtGuard],
})
export class TenantAuthModule {}
