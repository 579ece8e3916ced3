import { Injectable } from '@nestjs/common';
import { PrismaService, TenantStatus as DbTenantStatus } from '#db';
import { auditRow, tenantStatusOf } from './mapping.js';
import { type ListPosition, type Page, type PageRequest, pastPosition, positionPage } from './keyset-page.js';
import type { AuditEntry, TenantDetails, TenantRecord, TenantStatus } from './records.js';
import { isUuid } from './uuid.js';
import { PairingRepository } from './pairings/pairing.repository.js';

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

/** What an operator may change of a tenant; absent fields stay as they are. */
export interface TenantChanges {
  name?: string | undefined;
  logoUrl?: string | null | undefined;
  status?: TenantStatus | undefined;
  maxCemNodes?: number | null | undefined;
  maxSessions?: number | null | undefined;
}

const TENANT_FIELDS = { id: true, name: true, logoUrl: true, status: true, createdAt: true } as const;
const DETAIL_FIELDS = { ...TENANT_FIELDS, maxCemNodes: true, maxSessions: true } as const;

type DetailRow = Omit<TenantDetails, 'status'> & { status: DbTenantStatus };

function detailsOf(row: DetailRow): TenantDetails {
  return { ...row, status: tenantStatusOf(row.status) };
}

/** Tenants themselves. Operator-only: every other repository is scoped by tenant id. */
@Injectable()
export class TenantRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pairings: PairingRepository,
  ) {}

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
  async list(page: PageRequest<ListPosition>): Promise<Page<TenantDetails>> {
    const rows = await this.prisma.tenant.findMany({
      select: DETAIL_FIELDS,
      where: pastPosition('createdAt', page.after),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
    });
    return positionPage(rows.map(detailsOf), page.limit, 'createdAt');
  }

  /** A page of tenants, as `list`, each with how many CEM nodes and pairings it has. */
  async listWithCounts(
    page: PageRequest<ListPosition>,
  ): Promise<Page<TenantDetails & { cemNodes: number; pairings: number }>> {
    const rows = await this.prisma.tenant.findMany({
      select: { ...DETAIL_FIELDS, _count: { select: { cemNodes: true, pairings: true } } },
      where: pastPosition('createdAt', page.after),
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
    });
    const counted = rows.map(({ _count, ...row }) => ({ ...detailsOf(row), ..._count }));
    return positionPage(counted, page.limit, 'createdAt');
  }

  async find(id: string): Promise<TenantDetails | null> {
    if (!isUuid(id)) return null;
    const row = await this.prisma.tenant.findUnique({ where: { id }, select: DETAIL_FIELDS });
    return row === null ? null : detailsOf(row);
  }

  /**
   * Applies `changes` with the audit entries `auditOf` derives from the tenant before and after, in one
   * transaction under the tenant's row lock (so two concurrent changes record what each really changed).
   * null when there is no such tenant.
   */
  async update(
    id: string,
    changes: TenantChanges,
    auditOf: (before: TenantDetails, after: TenantDetails) => AuditEntry[],
  ): Promise<{ before: TenantDetails; after: TenantDetails } | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM tenants WHERE id = ${id}::uuid FOR UPDATE`;
      if (locked.length === 0) return null;
      const before = detailsOf(await tx.tenant.findUniqueOrThrow({ where: { id }, select: DETAIL_FIELDS }));
      const { status, ...rest } = changes;
      const after = detailsOf(
        await tx.tenant.update({
          where: { id },
          data: {
            ...rest,
            ...(status === undefined
              ? {}
              : { status: status === 'active' ? DbTenantStatus.ACTIVE : DbTenantStatus.SUSPENDED }),
          },
          select: DETAIL_FIELDS,
        }),
      );
      const entries = auditOf(before, after);
      if (entries.length > 0) await tx.auditEvent.createMany({ data: entries.map(auditRow) });
      return { before, after };
    });
  }

  /**
   * Deletes the tenant and, through the foreign keys, everything it owns (its own audit trail included)
   * but the tombstones of its pairings, which it leaves as an unpairing does; answers the RMs it was paired with. `audit` is written in the same transaction; give it no tenant id, or it would go with the tenant.
   */
  async delete(id: string, audit: AuditEntry): Promise<{ rmNodeIds: string[] } | false> {
    if (!isUuid(id)) return false;
    return this.prisma.$transaction(async (tx) => {
      // Its RMs are to hear NoLongerPaired, as after any unpairing.
      const rmNodeIds = await this.pairings.buryAllOfTenant(tx, id);
      const { count } = await tx.tenant.deleteMany({ where: { id } });
      if (count === 0) return false;
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return { rmNodeIds };
    });
  }
}
