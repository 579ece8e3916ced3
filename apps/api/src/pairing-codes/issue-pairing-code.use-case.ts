import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import { formatPairingCode } from '#s2-connect';
import { CemNodeRepository, Clock, PairingCodeRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { NodeCodeGenerator } from '../cem-nodes/node-code.generator.js';
import { CemNodeNotFoundError } from '../errors/api-error.js';
import { expiryOf, pairingUrlOf } from './pairing-code.policy.js';
import { auditActor } from '../audit/audit-actor.js';

export interface PairingCodeRequest {
  cemNodeId: string;
  /** PAIRING_CODE_TTL_SECONDS when absent. */
  ttlSeconds?: number | undefined;
}

export interface IssuedPairingCode {
  pairingUrl: string;
  /** Holds the token: handed to the tenant once, never logged nor shown again. */
  pairingCode: string;
  nodeIdAlias: string;
  expiresAt: Date;
}

/** `POST /api/v1/cem-nodes/{id}/pairing-codes`: a new pairing code, replacing the node's previous one. */
@Injectable()
export class IssuePairingCode {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly nodes: CemNodeRepository,
    private readonly pairingCodes: PairingCodeRepository,
    private readonly codes: NodeCodeGenerator,
    private readonly clock: Clock,
  ) {}

  async execute(caller: TenantPrincipal, request: PairingCodeRequest): Promise<IssuedPairingCode> {
    const node = await this.nodes.findInTenant(caller.tenantId, request.cemNodeId);
    if (node === null) throw new CemNodeNotFoundError();
    const token = this.codes.pairingToken(this.config.pairingTokenLength);
    const expiresAt = expiryOf(request.ttlSeconds ?? this.config.pairingCodeTtlSeconds, this.clock.now());
    const replaced = await this.pairingCodes.replaceForNode(
      { tenantId: caller.tenantId, cemNodeId: node.id, token, expiresAt },
      {
        tenantId: caller.tenantId,
        ...auditActor(caller),
        action: 'pairing_code.issued',
        subjectType: 'cem_node',
        subjectId: node.id,
        // Never the token: the audit trail is read by more people than the tenant who asked for it.
        data: { kind: 'dynamic', expiresAt: expiresAt.toISOString() },
      },
    );
    // The node can go away between the lookup and the transaction.
    if (!replaced) throw new CemNodeNotFoundError();
    return {
      pairingUrl: pairingUrlOf(this.config.publicUrl),
      pairingCode: formatPairingCode({ nodeIdAlias: node.nodeIdAlias, token }),
      nodeIdAlias: node.nodeIdAlias,
      expiresAt,
    };
  }
}
