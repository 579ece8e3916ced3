import { Injectable } from '@nestjs/common';
import { RandomSource, SecretHasher } from '#security';
import { type ServiceAccountRecord, ServiceAccountRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { ServiceAccountNotFoundError, ServiceAccountRevokedError } from '../errors/api-error.js';
import { newClientSecret } from './client-credentials.js';
import { serviceAccountAudit } from './service-account-audit.js';

/**
 * `POST /api/v1/service-accounts/{id}/rotate-secret`: a new secret, shown once; the old one stops working
 * when this answers. JWTs already issued to the account stay valid until they expire: they stand for the
 * account, not for the secret (revoke the account to end them at once).
 */
@Injectable()
export class RotateServiceAccountSecret {
  constructor(
    private readonly accounts: ServiceAccountRepository,
    private readonly random: RandomSource,
    private readonly hasher: SecretHasher,
  ) {}

  async execute(caller: TenantPrincipal, id: string): Promise<{ account: ServiceAccountRecord; clientSecret: string }> {
    const clientSecret = newClientSecret(this.random);
    const account = await this.accounts.replaceSecret(
      caller.tenantId,
      id,
      await this.hasher.hash(clientSecret),
      serviceAccountAudit(caller, 'service_account.secret_rotated', id),
    );
    if (account !== null) return { account, clientSecret };
    // Told apart only after the write failed, so that the common case costs one query.
    if ((await this.accounts.findInTenant(caller.tenantId, id)) === null) throw new ServiceAccountNotFoundError();
    throw new ServiceAccountRevokedError();
  }
}
