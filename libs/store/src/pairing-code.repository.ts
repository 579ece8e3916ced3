import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/src/index.js';
import { PairingCodeKind } from '../../db/src/generated/prisma/enums.js';
import { auditRow, dbPairingCodeKind, pairingCodeKindOf } from './mapping.js';
import type { AuditEntry, PairingCodeKind as Kind, ValidPairingToken } from './records.js';
import { isUuid } from './uuid.js';

export interface NewPairingCode {
  tenantId: string;
  cemNodeId: string;
  /** Stored as is: the challenge-response uses the token itself as HMAC input. */
  token: string;
  kind: Kind;
  /** null for a static code. */
  expiresAt: Date | null;
}

/**
 * Pairing codes. A CEM node has at most one: the pairing server computes its HMAC with one token, so a
 * second valid token could never match.
 */
@Injectable()
export class PairingCodeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Replaces the node's pairing code by `code` and records `audit`, in one transaction. False, and
   * nothing written, when the node is not the tenant's.
   */
  async replaceForNode(code: NewPairingCode, audit: AuditEntry): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      // The row lock makes concurrent issues for one node take turns; otherwise both could delete,
      // then both insert, and leave two codes.
      const locked = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM cem_nodes WHERE id = ${code.cemNodeId}::uuid AND tenant_id = ${code.tenantId}::uuid FOR UPDATE`;
      if (locked.length === 0) return false;
      await tx.pairingCode.deleteMany({ where: { tenantId: code.tenantId, cemNodeId: code.cemNodeId } });
      await tx.pairingCode.create({ data: { ...code, kind: dbPairingCodeKind(code.kind) }, select: { id: true } });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return true;
    });
  }

  /**
   * Unscoped, for the pairing server: the node's pairing token if it has one that is valid at `now`
   * (static, or dynamic and not yet expired).
   */
  async findValidToken(cemNodeId: string, now: Date): Promise<ValidPairingToken | null> {
    if (!isUuid(cemNodeId)) return null;
    const row = await this.prisma.pairingCode.findFirst({
      where: { cemNodeId, OR: [{ kind: PairingCodeKind.STATIC }, { expiresAt: { gt: now } }] },
      select: { token: true, kind: true, expiresAt: true },
      orderBy: { createdAt: 'desc' },
    });
    return row === null ? null : { ...row, kind: pairingCodeKindOf(row.kind) };
  }
}
