import type { AuditEntry } from '#store';
import type { TenantPrincipal } from '#tenant-auth';

/** Who an audit entry names for a change by `caller`: its service account, or its user and their email. */
export function auditActor(caller: TenantPrincipal): Pick<AuditEntry, 'actorType' | 'actorId' | 'actorEmail'> {
  if (caller.user !== undefined) {
    return { actorType: 'user', actorId: caller.user.id, actorEmail: caller.user.email };
  }
  return { actorType: 'service_account', actorId: caller.serviceAccountId };
}
