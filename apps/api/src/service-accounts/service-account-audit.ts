import type { AuditEntry, JsonValue } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';

/** A credential event done by a tenant's service account (`caller`) to one of the tenant's accounts. */
export function serviceAccountAudit(
  caller: TenantPrincipal,
  action: 'service_account.created' | 'service_account.secret_rotated' | 'service_account.revoked',
  serviceAccountId: string,
  data: { [key: string]: JsonValue } = {},
): AuditEntry {
  return {
    tenantId: caller.tenantId,
    ...auditActor(caller),
    action,
    subjectType: 'service_account',
    subjectId: serviceAccountId,
    data,
  };
}
