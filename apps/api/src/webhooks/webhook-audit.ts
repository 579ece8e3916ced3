import type { AuditEntry, JsonValue } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';

/** An audit row of a change to a webhook endpoint by the calling service account; never with a secret. */
export function webhookAudit(
  caller: TenantPrincipal,
  action: string,
  endpointId: string,
  data: { [key: string]: JsonValue } = {},
): AuditEntry {
  return {
    tenantId: caller.tenantId,
    ...auditActor(caller),
    action,
    subjectType: 'webhook',
    subjectId: endpointId,
    data,
  };
}
