import { Injectable } from '@nestjs/common';
import { PrismaService } from '#db';
import type { HistoryPolicy } from '#inspection';
import { auditRow } from './mapping.js';
import type { AuditEntry } from './records.js';

/** The tenant's history columns as the admission statement and this repository read them. */
export interface HistoryColumns {
  readonly historyMaxMessages: number | null;
  readonly historyMaxAgeSeconds: number | null;
}

export function historyPolicyOf(row: HistoryColumns): HistoryPolicy | null {
  // The table's check keeps both set or neither.
  if (row.historyMaxMessages === null || row.historyMaxAgeSeconds === null) return null;
  return { maxMessages: row.historyMaxMessages, maxAgeSeconds: row.historyMaxAgeSeconds };
}

const HISTORY_FIELDS = { historyMaxMessages: true, historyMaxAgeSeconds: true } as const;

/** A tenant's message history policy (null: none kept), as the tenant itself reads and sets it. */
@Injectable()
export class HistorySettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** undefined when there is no such tenant. */
  async find(tenantId: string): Promise<HistoryPolicy | null | undefined> {
    const row = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: HISTORY_FIELDS });
    return row === null ? undefined : historyPolicyOf(row);
  }

  /**
   * Sets the policy with its audit entry, and answers the RMs of the tenant's pairings (whose history a
   * policy of null removes). false when there is no such tenant.
   */
  async set(tenantId: string, policy: HistoryPolicy | null, audit: AuditEntry): Promise<string[] | false> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.tenant.updateMany({
        where: { id: tenantId },
        data: { historyMaxMessages: policy?.maxMessages ?? null, historyMaxAgeSeconds: policy?.maxAgeSeconds ?? null },
      });
      if (count === 0) return false;
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      const pairings = await tx.pairing.findMany({ where: { tenantId }, select: { rmNodeId: true } });
      return pairings.map((p) => p.rmNodeId);
    });
  }
}
