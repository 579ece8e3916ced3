import type { AuditEntry, JsonValue } from '../../../../libs/store/src/index.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';

/** An audit row of a change to a webhook endpoint by the calling service account; never with a secret. */
export function webhookAudit(
  caller: TenantPrincipal,
  action: string,
  endpointId: string,
  data: { [key: string]: JsonValue } = {},
): AuditEntry {
  return {
    tenantId: caller.tenantId,
    actorType: 'service_account',
    actorId: caller.serviceAccountId,
    action,
    subjectType: 'webhook',
    subjectId: endpointId,
    data,
  };
}
