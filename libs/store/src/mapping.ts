import { type Prisma, PairingCodeKind as DbPairingCodeKind, TenantStatus as DbTenantStatus } from '#db';
import type { AuditEntry, PairingCodeKind, TenantStatus } from './records.js';

export function tenantStatusOf(status: DbTenantStatus): TenantStatus {
  return status === DbTenantStatus.ACTIVE ? 'active' : 'suspended';
}

export function pairingCodeKindOf(kind: DbPairingCodeKind): PairingCodeKind {
  return kind === DbPairingCodeKind.STATIC ? 'static' : 'dynamic';
}

export function dbPairingCodeKind(kind: PairingCodeKind): DbPairingCodeKind {
  return kind === 'static' ? DbPairingCodeKind.STATIC : DbPairingCodeKind.DYNAMIC;
}

export function auditRow(entry: AuditEntry): Prisma.AuditEventUncheckedCreateInput {
  return { ...entry };
}
