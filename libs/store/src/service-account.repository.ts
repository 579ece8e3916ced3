import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/src/index.js';
import { TenantStatus } from '../../db/src/generated/prisma/enums.js';
import { tenantStatusOf } from './mapping.js';
import type { ServiceAccountCredentials } from './records.js';

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
}
