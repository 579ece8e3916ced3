import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/src/index.js';
import { auditRow, tenantStatusOf } from './mapping.js';
import type { AuditEntry, TenantRecord } from './records.js';

export interface NewTenant {
  id: string;
  name: string;
  logoUrl: string | null;
}

export interface NewServiceAccount {
  id: string;
  name: string;
  clientId: string;
  /** `hashSecret` of the client secret; the secret itself is never stored. */
  secretHash: string;
}

const TENANT_FIELDS = { id: true, name: true, logoUrl: true, status: true, createdAt: true } as const;

/** Tenants themselves. Operator-only: every other repository is scoped by tenant id. */
@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The tenant, its first service account and the audit entry, all or nothing. */
  async createWithServiceAccount(
    tenant: NewTenant,
    serviceAccount: NewServiceAccount,
    audit: AuditEntry,
  ): Promise<TenantRecord> {
    const [created] = await this.prisma.$transaction([
      this.prisma.tenant.create({
        data: { ...tenant, serviceAccounts: { create: serviceAccount } },
        select: TENANT_FIELDS,
      }),
      this.prisma.auditEvent.create({ data: auditRow(audit), select: { id: true } }),
    ]);
    return { ...created, status: tenantStatusOf(created.status) };
  }

  /** Oldest first, so that the order is stable while tenants are added. */
  async list(): Promise<TenantRecord[]> {
    const rows = await this.prisma.tenant.findMany({
      select: TENANT_FIELDS,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((row) => ({ ...row, status: tenantStatusOf(row.status) }));
  }
}
