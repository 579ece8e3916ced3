import { Injectable } from '@nestjs/common';
import { RandomSource, SecretHasher } from '#security';
import { type ServiceAccountRecord, ServiceAccountRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { newClientId, newClientSecret } from './client-credentials.js';
import { serviceAccountAudit } from './service-account-audit.js';

/** `POST /api/v1/service-accounts`: another identity of the caller's tenant. */
@Injectable()
export class CreateServiceAccount {
  constructor(
    private readonly accounts: ServiceAccountRepository,
    private readonly random: RandomSource,
    private readonly hasher: SecretHasher,
  ) {}

  async execute(
    caller: TenantPrincipal,
    request: { name: string },
  ): Promise<{ account: ServiceAccountRecord; clientSecret: string }> {
    const id = this.random.uuid();
    const clientId = newClientId(this.random);
    const clientSecret = newClientSecret(this.random);
    const account = await this.accounts.create(
      caller.tenantId,
      { id, name: request.name, clientId, secretHash: await this.hasher.hash(clientSecret) },
      serviceAccountAudit(caller, 'service_account.created', id, { name: request.name, clientId }),
    );
    return { account, clientSecret };
  }
}
