import { Injectable } from '@nestjs/common';
import { type ServiceAccountRecord, ServiceAccountRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { ServiceAccountNotFoundError } from '../errors/api-error.js';

/** `GET /api/v1/service-accounts/{id}`. */
@Injectable()
export class GetServiceAccount {
  constructor(private readonly accounts: ServiceAccountRepository) {}

  async execute(caller: TenantPrincipal, id: string): Promise<ServiceAccountRecord> {
    const account = await this.accounts.findInTenant(caller.tenantId, id);
    if (account === null) throw new ServiceAccountNotFoundError();
    return account;
  }
}
