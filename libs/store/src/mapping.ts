import { type Prisma, TenantStatus as DbTenantStatus } from '#db';
import type { AuditEntry, TenantStatus } from './records.js';

export function tenantStatusOf(status: DbTenantStatus): TenantStatus {
  return status === DbTenantStatus.ACTIVE ? 'active' : 'suspended';
}

export function auditRow(entry: AuditEntry): Prisma.AuditEventUncheckedCreateInput {
  return { ...entry };
}
