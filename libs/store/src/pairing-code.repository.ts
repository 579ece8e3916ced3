import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';
import { SecretCipher } from '#security';
import { auditData } from './mapping.js';
import type { AuditEntry, ValidPairingToken } from './records.js';
import { openStored, pairingTokenPlace } from './secret-places.js';
import { isUuid } from './uuid.js';

export interface NewPairingCode {
  tenantId: string;
  cemNodeId: string;
  /**
   * Stored encrypted, not hashed: the challenge-response uses the token itself as HMAC input. The
   * repositories encrypt it; callers give it in clear.
   */
  token: string;
  expiresAt: Date;
}

/**
 * Pairing codes. A CEM node has at most one: the pairing server computes its HMAC with one token, so a
 * second valid token could never match.
 */
@Injectable()
export class PairingCodeRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly cipher: SecretCipher,
  ) {}

  /**
   * Replaces the node's pairing code by `code` and records `audit`, in one statement (one round trip:
   * issuing codes for a fleet is a bulk job). False, and nothing written, when the node is not the
   * tenant's. The node's row lock makes concurrent issues for one node take turns; otherwise both could
   * delete, then both insert, and leave two codes.
   */
  async replaceForNode(code: NewPairingCode, audit: AuditEntry): Promise<boolean> {
    const [row] = await this.prisma.$queryRaw<{ issued: bigint }[]>`
      WITH node AS (
        SELECT id FROM cem_nodes WHERE id = ${code.cemNodeId}::uuid AND tenant_id = ${code.tenantId}::uuid FOR UPDATE
      ), removed AS (
        DELETE FROM pairing_codes WHERE cem_node_id IN (SELECT id FROM node)
      ), issued AS (
        INSERT INTO pairing_codes (id, tenant_id, cem_node_id, token, expires_at)
        SELECT gen_random_uuid(), ${code.tenantId}::uuid, id, ${this.cipher.seal(code.token, pairingTokenPlace(code.cemNodeId))},
          ${code.expiresAt}::timestamptz
        FROM node
        RETURNING id
      ), audited AS (
        INSERT INTO audit_events (tenant_id, actor_type, actor_id, action, subject_type, subject_id, data)
        SELECT ${audit.tenantId}::uuid, ${audit.actorType}, ${audit.actorId}, ${audit.action}, ${audit.subjectType},
          ${audit.subjectId}, ${JSON.stringify(auditData(audit))}::jsonb
        FROM node
      )
      SELECT count(*) AS issued FROM issued`;
    return row !== undefined && row.issued > 0n;
  }

  /**
   * Unscoped, for the pairing server: the node's pairing token if it has one that is valid at `now`
   * (not yet expired).
   */
  async findValidToken(cemNodeId: string, now: Date): Promise<ValidPairingToken | null> {
    if (!isUuid(cemNodeId)) return null;
    const row = await this.prisma.pairingCode.findFirst({
      where: { cemNodeId, expiresAt: { gt: now } },
      select: { token: true, expiresAt: true },
      orderBy: { createdAt: 'desc' },
    });
    if (row === null) return null;
    const token = openStored(
      this.cipher,
      row.token,
      pairingTokenPlace(cemNodeId),
      `pairing code of CEM node ${cemNodeId}`,
    );
    return { ...row, token };
  }
}
