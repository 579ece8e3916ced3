import { Injectable } from '@nestjs/common';
import { EventBus } from '#events';
import { type TenantChanges, type TenantDetails, TenantRepository } from '#store';
import { TenantNotFoundError } from '../errors/api-error.js';
import { tenantChangeAudit } from './tenant-changes.js';

/**
 * `PATCH /admin/v1/tenants/{id}`. Suspending closes the tenant's live RM sessions and CEM channels on
 * every replica (the event); its tokens and new sessions are refused by the checks that read the status.
 * Quotas apply to what starts next: lowering one closes nothing.
 */
@Injectable()
export class UpdateTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  async execute(id: string, changes: TenantChanges): Promise<TenantDetails> {
    const result = await this.tenants.update(id, changes, tenantChangeAudit);
    if (result === null) throw new TenantNotFoundError();
    // Published for a tenant that already was suspended too: a retry after a failed publish still closes.
    if (changes.status === 'suspended') {
      await this.events.publish([{ type: 'tenant.suspended', tenantId: id }]);
    }
    return result.after;
  }
}
