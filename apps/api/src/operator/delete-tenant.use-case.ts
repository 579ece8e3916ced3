import { Injectable } from '@nestjs/common';
import { EventBus } from '#events';
import { TenantRepository } from '#store';
import { TenantNotFoundError } from '../errors/api-error.js';
import { MessageHistory } from '../history/message-history.js';

/**
 * `DELETE /admin/v1/tenants/{id}`: the tenant and everything it owns go (foreign keys cascade), then every
 * replica closes its sockets: RM sessions as for an unpairing, CEM channels. Its RMs' message history goes too.
 */
@Injectable()
export class DeleteTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
    private readonly history: MessageHistory,
  ) {}

  async execute(id: string): Promise<void> {
    const tenant = await this.tenants.find(id);
    if (tenant === null) throw new TenantNotFoundError();
    const deleted = await this.tenants.delete(id, {
      // Without a tenant id: the row would otherwise be deleted with the tenant's own audit trail.
      tenantId: null,
      actorType: 'operator',
      actorId: null,
      action: 'tenant.deleted',
      subjectType: 'tenant',
      subjectId: id,
      data: { name: tenant.name },
    });
    if (!deleted) throw new TenantNotFoundError();
    await this.events.publish([{ type: 'tenant.deleted', tenantId: id }]);
    // The replicas drop what they still hold of the tenant's live RMs; what is in Redis goes here.
    await this.history.remove(deleted.rmNodeIds);
  }
}
