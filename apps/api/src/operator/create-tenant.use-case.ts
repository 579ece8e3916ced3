import { Injectable } from '@nestjs/common';
import { RandomSource, SecretHasher } from '#security';
import { type AuditEntry, type TenantRecord, TenantRepository } from '#store';
import { newClientId, newClientSecret } from '../service-accounts/client-credentials.js';

export interface NewTenantRequest {
  name: string;
  logoUrl?: string | undefined;
}

export interface CreatedTenant {
  tenant: TenantRecord;
  /** The only time the secret exists outside its hash: shown once, never stored or logged. */
  serviceAccount: { clientId: string; clientSecret: string };
}

/** `POST /admin/v1/tenants`: a tenant and its first service account. */
@Injectable()
export class CreateTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly random: RandomSource,
    private readonly hasher: SecretHasher,
  ) {}

  /** `actor`: the operator token's, unless an operator user of the console asks. */
  async execute(
    request: NewTenantRequest,
    actor: Pick<AuditEntry, 'actorType' | 'actorId' | 'actorEmail'> = { actorType: 'operator', actorId: null },
  ): Promise<CreatedTenant> {
    const tenantId = this.random.uuid();
    const serviceAccountId = this.random.uuid();
    const clientId = newClientId(this.random);
    const clientSecret = newClientSecret(this.random);
    const tenant = await this.tenants.createWithServiceAccount(
      { id: tenantId, name: request.name, logoUrl: request.logoUrl ?? null },
      { id: serviceAccountId, name: 'default', clientId, secretHash: await this.hasher.hash(clientSecret) },
      {
        tenantId,
        ...actor,
        action: 'tenant.created',
        subjectType: 'tenant',
        subjectId: tenantId,
        data: { name: request.name, serviceAccountId, clientId },
      },
    );
    return { tenant, serviceAccount: { clientId, clientSecret } };
  }
}
