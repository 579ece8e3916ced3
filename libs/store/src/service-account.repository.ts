import { Injectable } from '@nestjs/common';
import { PrismaService, TenantStatus } from '#db';
import { auditRow, tenantStatusOf } from './mapping.js';
import { type ListPosition, type Page, type PageRequest, pastPosition, positionPage } from './keyset-page.js';
import type { AuditEntry, ServiceAccountCredentials, ServiceAccountRecord } from './records.js';
import type { NewServiceAccount } from './tenant.repository.js';
import { isUuid } from './uuid.js';

const ACCOUNT_FIELDS = {
  id: true,
  tenantId: true,
  name: true,
  clientId: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** Why a revocation did not happen; nothing was written. */
export type RevokeRefusal = 'not-found' | 'last-active';

@Injectable()
export class ServiceAccountRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The one lookup not scoped by tenant: a client id is what tells which tenant is calling. Returns
   * revoked accounts and suspended tenants too; the caller decides, so that it can answer alike.
   */
  async findByClientId(clientId: string): Promise<ServiceAccountCredentials | null> {
    const row = await this.prisma.serviceAccount.findUnique({
      where: { clientId },
      select: { id: true, tenantId: true, secretHash: true, revokedAt: true, tenant: { select: { status: true } } },
    });
    if (row === null) return null;
    const { tenant, ...account } = row;
    return { ...account, tenantStatus: tenantStatusOf(tenant.status) };
  }

  /** Whether the account exists in the tenant, is not revoked and the tenant is active. */
  async isActive(tenantId: string, serviceAccountId: string): Promise<boolean> {
    const row = await this.prisma.serviceAccount.findFirst({
      where: { id: serviceAccountId, tenantId, revokedAt: null, tenant: { status: TenantStatus.ACTIVE } },
      select: { id: true },
    });
    return row !== null;
  }

  async markUsed(tenantId: string, serviceAccountId: string, at: Date): Promise<void> {
    await this.prisma.serviceAccount.updateMany({
      where: { id: serviceAccountId, tenantId },
      data: { lastUsedAt: at },
    });
  }

  async create(tenantId: string, account: NewServiceAccount, audit: AuditEntry): Promise<ServiceAccountRecord> {
    const [created] = await this.prisma.$transaction([
      this.prisma.serviceAccount.create({ data: { ...account, tenantId }, select: ACCOUNT_FIELDS }),
      this.prisma.auditEvent.create({ data: auditRow(audit), select: { id: true } }),
    ]);
    return created;
  }

  /** Oldest first, revoked ones included. */
  async list(tenantId: string, page: PageRequest<ListPosition>): Promise<Page<ServiceAccountRecord>> {
    const rows = await this.prisma.serviceAccount.findMany({
      where: { tenantId, ...pastPosition('createdAt', page.after) },
      select: ACCOUNT_FIELDS,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
    });
    return positionPage(rows, page.limit, 'createdAt');
  }

  async findInTenant(tenantId: string, id: string): Promise<ServiceAccountRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.serviceAccount.findFirst({ where: { id, tenantId }, select: ACCOUNT_FIELDS });
  }

  /**
   * Replaces the secret's hash of an account that is not revoked: the old secret stops working with the
   * commit. null when there is no such active account in the tenant.
   */
  async replaceSecret(
    tenantId: string,
    id: string,
    secretHash: string,
    audit: AuditEntry,
  ): Promise<ServiceAccountRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.serviceAccount.updateMany({
        where: { id, tenantId, revokedAt: null },
        data: { secretHash },
      });
      if (count === 0) return null;
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return tx.serviceAccount.findFirstOrThrow({ where: { id, tenantId }, select: ACCOUNT_FIELDS });
    });
  }

  /**
   * Revokes an account unless it is the tenant's last active one. The tenant's row lock makes two
   * concurrent revocations take turns, so that they cannot revoke the last two accounts together. An
   * account already revoked is returned as it is, without a second audit entry.
   */
  async revoke(
    tenantId: string,
    id: string,
    at: Date,
    audit: AuditEntry,
  ): Promise<{ account: ServiceAccountRecord; revokedNow: boolean } | { refused: RevokeRefusal }> {
    if (!isUuid(id)) return { refused: 'not-found' };
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM tenants WHERE id = ${tenantId}::uuid FOR UPDATE`;
      const account = await tx.serviceAccount.findFirst({ where: { id, tenantId }, select: ACCOUNT_FIELDS });
      if (account === null) return { refused: 'not-found' as const };
      if (account.revokedAt !== null) return { account, revokedNow: false };
      const others = await tx.serviceAccount.count({ where: { tenantId, revokedAt: null, id: { not: id } } });
      if (others === 0) return { refused: 'last-active' as const };
      const revoked = await tx.serviceAccount.update({
        where: { id },
        data: { revokedAt: at },
        select: ACCOUNT_FIELDS,
      });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return { account: revoked, revokedNow: true };
    });
  }
}
