import { Injectable } from '@nestjs/common';
import { type CemNodeChanges, type CemNodeRecord, CemNodeRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeNotFoundError, ExternalRefTakenError } from '../errors/api-error.js';
import { auditActor } from '../audit/audit-actor.js';

/** `PATCH /api/v1/cem-nodes/{id}`: the descriptions RMs see from now on (running sessions keep theirs). */
@Injectable()
export class UpdateCemNode {
  constructor(private readonly nodes: CemNodeRepository) {}

  async execute(caller: TenantPrincipal, id: string, changes: CemNodeChanges): Promise<CemNodeRecord> {
    const result = await this.nodes.updateInTenant(caller.tenantId, id, changes, {
      tenantId: caller.tenantId,
      ...auditActor(caller),
      action: 'cem_node.updated',
      subjectType: 'cem_node',
      subjectId: id,
      data: { changes },
    });
    if ('notFound' in result) throw new CemNodeNotFoundError();
    if ('conflict' in result) throw new ExternalRefTakenError();
    return result.node;
  }
}
