import { Injectable } from '@nestjs/common';
import { EventBus } from '#events';
import { Clock, type ServiceAccountRecord, ServiceAccountRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { LastActiveServiceAccountError, ServiceAccountNotFoundError } from '../errors/api-error.js';
import { serviceAccountAudit } from './service-account-audit.js';

/**
 * `POST /api/v1/service-accounts/{id}/revoke`: the account's secret and JWTs stop working at once (every
 * call checks the account) and every replica closes the CEM channels its JWTs opened. The tenant's last
 * active account is refused with 409: without one the tenant could not call the API at all, and no
 * endpoint would let it back in. Revoking a revoked account answers it as it is.
 */
@Injectable()
export class RevokeServiceAccount {
  constructor(
    private readonly accounts: ServiceAccountRepository,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  async execute(caller: TenantPrincipal, id: string): Promise<ServiceAccountRecord> {
    const result = await this.accounts.revoke(
      caller.tenantId,
      id,
      this.clock.now(),
      serviceAccountAudit(caller, 'service_account.revoked', id),
    );
    if ('refused' in result) {
      throw result.refused === 'not-found' ? new ServiceAccountNotFoundError() : new LastActiveServiceAccountError();
    }
    // Also when it was revoked before: a retry after a failed publish still closes the channels.
    await this.events.publish([{ type: 'service-account.revoked', tenantId: caller.tenantId, serviceAccountId: id }]);
    return result.account;
  }
}
