import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { CONFIG, type Config } from '#config';
import { StoreModule } from '#store';
import { TenantAuthService } from './tenant-auth.service.js';
import { TENANT_JWT_ALGORITHM, TENANT_JWT_AUDIENCE, TENANT_JWT_ISSUER } from './tenant-principal.js';

/** Tenant JWTs for any role that serves tenants: the API's guard and the CEM channel's upgrade. */
@Module({
  imports: [
    StoreModule,
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
  providers: [TenantAuthService],
  exports: [TenantAuthService],
})
export class TenantAuthModule {}
