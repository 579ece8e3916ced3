import { Injectable } from '@nestjs/common';
import { EventBus, pairingRemoved } from '#events';
import { CemNodeRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeNotFoundError } from '../errors/api-error.js';
import { auditActor } from '../audit/audit-actor.js';

/**
 * `DELETE /api/v1/cem-nodes/{id}`: the node and its pairing code go, and each of its RMs is unpaired as
 * `DELETE /api/v1/pairings/{rmNodeId}` does it: tombstones (the next initiateSession answers
 * NoLongerPaired), and one pairing.removed event each, on which the replica holding the RM's socket
 * sends SessionRequest RECONNECT and closes it, and the CEM channels hear of it.
 */
@Injectable()
export class DeleteCemNode {
  constructor(
    private readonly nodes: CemNodeRepository,
    private readonly events: EventBus,
  ) {}

  async execute(caller: TenantPrincipal, id: string): Promise<void> {
    const removed = await this.nodes.deleteInTenant(caller.tenantId, id, {
      tenantId: caller.tenantId,
      ...auditActor(caller),
      action: 'cem_node.deleted',
      subjectType: 'cem_node',
      subjectId: id,
      data: {},
    });
    if (removed === undefined) throw new CemNodeNotFoundError();
    await this.events.publish(removed.map(pairingRemoved));
  }
}
