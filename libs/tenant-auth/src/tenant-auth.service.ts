import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { JwtService } from '@nestjs/jwt';
import { Clock, ServiceAccountRepository } from '#store';
import { TenantTokenRejectedError } from './tenant-token-rejected.error.js';
import { principalOfClaims, type ServiceAccountPrincipal } from './tenant-principal.js';

/**
 * Tenant JWTs: issued by the token exchange, checked on every tenant API call (through
 * `TenantJwtStrategy`) and by the CEM channel's WebSocket upgrade (through `verifyTenantJwt`).
 * Signature, algorithm, issuer, audience and expiry are checked by the JWT library with the options
 * `TenantAuthModule` registers; this adds that the claims are those the broker issues (exp among them)
 * and what a signature cannot say: that the account still may call.
 */
@Injectable()
export class TenantAuthService {
  constructor(
    private readonly jwt: JwtService,
    private readonly serviceAccounts: ServiceAccountRepository,
    @Inject(CONFIG) private readonly config: Pick<Config, 'jwtTtlSeconds'>,
    private readonly clock: Clock,
  ) {}

  issueTenantJwt(principal: ServiceAccountPrincipal): Promise<string> {
    return this.jwt.signAsync({ sub: principal.serviceAccountId, tid: principal.tenantId });
  }

  /** The caller a bearer token stands for; throws `TenantTokenRejectedError` for any token that may not call. */
  async verifyTenantJwt(token: string): Promise<ServiceAccountPrincipal> {
    let payload: unknown;
    try {
      payload = await this.jwt.verifyAsync<object>(token);
    } catch {
      throw new TenantTokenRejectedError();
    }
    return this.principalFromClaims(payload);
  }

  /** For a payload whose signature and registered claims are already verified. */
  async principalFromClaims(payload: unknown): Promise<ServiceAccountPrincipal> {
    const principal = principalOfClaims(payload, {
      maxLifetimeSeconds: this.config.jwtTtlSeconds,
      nowSeconds: Math.floor(this.clock.now().getTime() / 1000),
    });
    // Checked on every call, nothing cached yet: revoking an account or suspending a tenant acts at once.
    if (
      principal === undefined ||
      !(await this.serviceAccounts.isActive(principal.tenantId, principal.serviceAccountId))
    ) {
      throw new TenantTokenRejectedError();
    }
    return principal;
  }
}
