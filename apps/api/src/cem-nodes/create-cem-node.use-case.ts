import { Injectable } from '@nestjs/common';
import { RandomSource } from '#security';
import { type CemNodeRecord, CemNodeRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeQuotaExceededError, ExternalRefTakenError } from '../errors/api-error.js';
import { NodeCodeGenerator } from './node-code.generator.js';
import { auditActor } from '../audit/audit-actor.js';

export interface NewCemNodeRequest {
  brand: string;
  type: string;
  modelName: string;
  userDefinedName?: string | undefined;
  logoUrl?: string | undefined;
  externalRef?: string | undefined;
}

/**
 * Aliases are unique across the broker and drawn at random (32^6, about 10^9): a collision is rare, and
 * several in a row would mean the space is running out, which is a bug to see rather than to hide.
 */
export const NODE_ID_ALIAS_ATTEMPTS = 5;

/** `POST /api/v1/cem-nodes`. */
@Injectable()
export class CreateCemNode {
  constructor(
    private readonly nodes: CemNodeRepository,
    private readonly random: RandomSource,
    private readonly codes: NodeCodeGenerator,
  ) {}

  async execute(caller: TenantPrincipal, request: NewCemNodeRequest): Promise<CemNodeRecord> {
    // The id is the S2 node id, seen by RMs: random, never derived from anything the tenant sent.
    const id = this.random.uuid();
    for (let attempt = 1; attempt <= NODE_ID_ALIAS_ATTEMPTS; attempt++) {
      const node = {
        id,
        tenantId: caller.tenantId,
        nodeIdAlias: this.codes.nodeIdAlias(),
        brand: request.brand,
        type: request.type,
        modelName: request.modelName,
        userDefinedName: request.userDefinedName ?? null,
        logoUrl: request.logoUrl ?? null,
        externalRef: request.externalRef ?? null,
      };
      const result = await this.nodes.create(node, {
        tenantId: caller.tenantId,
        ...auditActor(caller),
        action: 'cem_node.created',
        subjectType: 'cem_node',
        subjectId: id,
        data: { nodeIdAlias: node.nodeIdAlias, externalRef: node.externalRef },
      });
      if ('node' in result) return result.node;
      if ('quota' in result) throw new CemNodeQuotaExceededError(result.quota.max, result.quota.existing, 1);
      if (result.conflict === 'externalRef') throw new ExternalRefTakenError();
    }
    throw new Error(`no free node id alias in ${NODE_ID_ALIAS_ATTEMPTS} attempts`);
  }
}
