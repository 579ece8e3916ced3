import { type Prisma, TenantStatus as DbTenantStatus } from '#db';
import type { AuditEntry, TenantStatus } from './records.js';

export function tenantStatusOf(status: DbTenantStatus): TenantStatus {
  return status === DbTenantStatus.ACTIVE ? 'active' : 'suspended';
}

export function auditRow(entry: AuditEntry): Prisma.AuditEventUncheckedCreateInput {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- taken out: it is not a column
  const { actorEmail, ...row } = entry;
  return { ...row, data: auditData(entry) };
}

/** The entry's data, with the acting user's email when there is one. */
export function auditData({ actorEmail, data }: AuditEntry): AuditEntry['data'] {
  return actorEmail === undefined ? data : { ...data, actorEmail };
}
