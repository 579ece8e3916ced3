import { Injectable } from '@nestjs/common';
import {
  type ListPosition,
  type Page,
  type PageRequest,
  type ServiceAccountRecord,
  ServiceAccountRepository,
} from '#store';
import type { TenantPrincipal } from '#tenant-auth';

/** `GET /api/v1/service-accounts`: oldest first, revoked ones included. */
@Injectable()
export class ListServiceAccounts {
  constructor(private readonly accounts: ServiceAccountRepository) {}

  execute(caller: TenantPrincipal, page: PageRequest<ListPosition>): Promise<Page<ServiceAccountRecord>> {
    return this.accounts.list(caller.tenantId, page);
  }
}
