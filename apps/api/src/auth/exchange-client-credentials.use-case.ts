import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { SecretHasher } from '#security';
import { Clock, ServiceAccountRepository } from '#store';
import { ClientCredentialsInvalidError } from '../errors/api-error.js';
import { TenantAuthService } from '#tenant-auth';
import { RateLimits } from '../rate-limit/rate-limits.js';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface AccessTokenGrant {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds. */
  expiresIn: number;
}

/** `POST /api/v1/auth/token`: a service account's client id and secret for a short-lived tenant JWT. */
@Injectable()
export class ExchangeClientCredentials {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly serviceAccounts: ServiceAccountRepository,
    private readonly hasher: SecretHasher,
    private readonly auth: TenantAuthService,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
  ) {}

  /** `address` is the caller's, for the per-address bound on failed attempts. */
  async execute({ clientId, clientSecret }: ClientCredentials, address: string): Promise<AccessTokenGrant> {
    // Once a budget is spent even the right secret waits: otherwise guessing would go on, only slower.
    await Promise.all([
      this.limits.authFailuresByClient.check(clientId),
      this.limits.authFailuresByAddress.check(address),
    ]);
    try {
      return await this.exchange(clientId, clientSecret);
    } catch (error) {
      if (error instanceof ClientCredentialsInvalidError) {
        await Promise.all([
          this.limits.authFailuresByClient.spend(clientId),
          this.limits.authFailuresByAddress.spend(address),
        ]);
      }
      throw error;
    }
  }

  private async exchange(clientId: string, clientSecret: string): Promise<AccessTokenGrant> {
    const account = await this.serviceAccounts.findByClientId(clientId);
    // An unknown id costs one scrypt too, so that timing does not tell which client ids exist.
    const secretMatches =
      account === null
        ? await this.hasher.verifyNothing(clientSecret)
        : await this.hasher.verify(clientSecret, account.secretHash);
    if (account === null || !secretMatches || account.revokedAt !== null || account.tenantStatus !== 'active') {
      throw new ClientCredentialsInvalidError();
    }
    await this.serviceAccounts.markUsed(account.tenantId, account.id, this.clock.now());
    const accessToken = await this.auth.issueTenantJwt({ tenantId: account.tenantId, serviceAccountId: account.id });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
  }
}
