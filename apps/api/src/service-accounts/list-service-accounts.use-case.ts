import { Injectable } from '@nestjs/common';
import {
  type Page,
  type ServiceAccountRecord,
  ServiceAccountRepository,
  type TenantCursor,
} from '../../../../libs/store/src/index.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';

/** `GET /api/v1/service-accounts`: oldest first, revoked ones included. */
@Injectable()
export class ListServiceAccounts {
  constructor(private readonly accounts: ServiceAccountRepository) {}

  execute(
    caller: TenantPrincipal,
    page: { limit: number; cursor?: TenantCursor | undefined },
  ): Promise<Page<ServiceAccountRecord>> {
    return this.accounts.list(caller.tenantId, { limit: page.limit, after: page.cursor });
  }
}
