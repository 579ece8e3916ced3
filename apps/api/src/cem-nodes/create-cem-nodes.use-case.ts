import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { formatPairingCode } from '#s2-connect';
import { RandomSource } from '#security';
import { type AuditEntry, type CemNodeRecord, CemNodeRepository, Clock, type NewCemNode } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeQuotaExceededError, ExternalRefTakenError } from '../errors/api-error.js';
import type { IssuedPairingCode } from '../pairing-codes/issue-pairing-code.use-case.js';
import { expiryOf, pairingUrlOf } from '../pairing-codes/pairing-code.policy.js';
import { type NewCemNodeRequest, NODE_ID_ALIAS_ATTEMPTS } from './create-cem-node.use-case.js';
import { NodeCodeGenerator } from './node-code.generator.js';
import { auditActor } from '../audit/audit-actor.js';

export interface CreateCemNodesRequest {
  nodes: NewCemNodeRequest[];
  /** A pairing code for every node, issued as `POST /cem-nodes/{id}/pairing-codes` would. */
  pairingCodes?: { ttlSeconds?: number | undefined } | undefined;
}

export interface CreatedCemNode {
  node: CemNodeRecord;
  pairingCode?: IssuedPairingCode;
}

/**
 * `POST /api/v1/cem-nodes:batch`: all nodes in one transaction or none. The audit trail gets the same
 * rows as for nodes created one by one (`cem_node.created`, and `pairing_code.issued`), written with
 * one multi-row insert each, so that every node's history reads the same whichever way it was made.
 */
@Injectable()
export class CreateCemNodes {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly nodes: CemNodeRepository,
    private readonly random: RandomSource,
    private readonly codes: NodeCodeGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(caller: TenantPrincipal, request: CreateCemNodesRequest): Promise<CreatedCemNode[]> {
    refuseRepeatedExternalRefs(request.nodes);
    const nodes: NewCemNode[] = request.nodes.map((node) => ({
      // The ids are S2 node ids, seen by RMs: random, never derived from anything the tenant sent.
      id: this.random.uuid(),
      tenantId: caller.tenantId,
      nodeIdAlias: this.codes.nodeIdAlias(),
      brand: node.brand,
      type: node.type,
      modelName: node.modelName,
      userDefinedName: node.userDefinedName ?? null,
      logoUrl: node.logoUrl ?? null,
      externalRef: node.externalRef ?? null,
    }));
    const options = request.pairingCodes;
    const expiresAt = expiryOf(options?.ttlSeconds ?? this.config.pairingCodeTtlSeconds, this.clock.now());
    const pairingCode = options
      ? nodes.map(() => ({
          token: this.codes.pairingToken(this.config.pairingTokenLength),
          expiresAt,
        }))
      : null;
    const audit = (final: readonly NewCemNode[]): AuditEntry[] =>
      final.flatMap((node) => {
        const entry = {
          tenantId: caller.tenantId,
          ...auditActor(caller),
          subjectType: 'cem_node',
          subjectId: node.id,
        };
        const created = {
          ...entry,
          action: 'cem_node.created',
          data: { nodeIdAlias: node.nodeIdAlias, externalRef: node.externalRef, batch: true },
        };
        if (!options) return [created];
        // Never the token: the audit trail is read by more people than the tenant who asked for it.
        const issued = { kind: 'dynamic', expiresAt: expiresAt.toISOString() };
        return [created, { ...entry, action: 'pairing_code.issued', data: issued }];
      });

    for (let attempt = 1; attempt <= NODE_ID_ALIAS_ATTEMPTS; attempt++) {
      const result = await this.nodes.createMany({
        tenantId: caller.tenantId,
        nodes,
        drawAlias: () => this.codes.nodeIdAlias(),
        pairingCode,
        audit,
      });
      if ('nodes' in result) {
        return result.nodes.map((node, i) => {
          const code = pairingCode?.[i];
          if (code === undefined) return { node };
          return {
            node,
            pairingCode: {
              pairingUrl: pairingUrlOf(this.config.publicUrl),
              pairingCode: formatPairingCode({ nodeIdAlias: node.nodeIdAlias, token: code.token }),
              nodeIdAlias: node.nodeIdAlias,
              expiresAt: code.expiresAt,
            },
          };
        });
      }
      if ('quota' in result) {
        throw new CemNodeQuotaExceededError(result.quota.max, result.quota.existing, nodes.length);
      }
      if (result.conflict === 'externalRef') {
        const index = nodes.findIndex((node) => node.externalRef === result.externalRef);
        throw new ExternalRefTakenError(`nodes[${index}].externalRef`);
      }
      // An alias drawn at the same moment by a concurrent creation: the whole batch again.
    }
    throw new Error(`no free node id aliases in ${NODE_ID_ALIAS_ATTEMPTS} attempts`);
  }
}

function refuseRepeatedExternalRefs(nodes: readonly NewCemNodeRequest[]): void {
  const first = new Map<string, number>();
  nodes.forEach((node, index) => {
    if (node.externalRef === undefined) return;
    const earlier = first.get(node.externalRef);
    if (earlier !== undefined) {
      throw new ExternalRefTakenError(`nodes[${index}].externalRef`, `nodes[${earlier}] has the same externalRef`);
    }
    first.set(node.externalRef, index);
  });
}
