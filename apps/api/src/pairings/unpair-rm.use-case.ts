import { Injectable } from '@nestjs/common';
import { EventBus, pairingRemoved } from '#events';
import { PairingRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';
import { PairingNotFoundError } from '../errors/api-error.js';

/**
 * Unpairing by the communication server (the tenant): the tokens go at once, and the event makes the
 * replica holding the RM's socket send SessionRequest RECONNECT and close it; the next initiateSession
 * answers NoLongerPaired.
 */
@Injectable()
export class UnpairRm {
  constructor(
    private readonly pairings: PairingRepository,
    private readonly events: EventBus,
  ) {}

  async execute(caller: TenantPrincipal, rmNodeId: string): Promise<void> {
    const pairing = await this.pairings.findInTenant(caller.tenantId, rmNodeId);
    if (!pairing) throw new PairingNotFoundError();
    const removed = await this.pairings.unpair(pairing, 'unpaired-by-tenant', {
      tenantId: caller.tenantId,
      ...auditActor(caller),
      action: 'pairing.removed',
      subjectType: 'rm_node',
      subjectId: pairing.rmNodeId,
      data: { cemNodeId: pairing.cemNodeId },
    });
    if (!removed) throw new PairingNotFoundError();
    await this.events.publish([pairingRemoved(removed)]);
  }
}
