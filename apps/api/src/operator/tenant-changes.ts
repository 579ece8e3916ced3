import type { AuditEntry, JsonValue, TenantDetails } from '#store';

type Field = 'name' | 'logoUrl' | 'maxCemNodes' | 'maxSessions';

function changed(before: TenantDetails, after: TenantDetails, fields: readonly Field[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const field of fields) {
    if (before[field] !== after[field]) out[field] = { from: before[field], to: after[field] };
  }
  return out;
}

/**
 * The audit entries of an operator's change to a tenant, one per kind of change, so that suspensions and
 * quota changes can be found by action: `tenant.suspended`, `tenant.resumed`, `tenant.quota_changed`,
 * `tenant.updated` (name, logo). Nothing that did not change is recorded.
 */
export function tenantChangeAudit(before: TenantDetails, after: TenantDetails): AuditEntry[] {
  const entry = (action: string, data: Record<string, JsonValue>): AuditEntry => ({
    tenantId: after.id,
    actorType: 'operator',
    actorId: null,
    action,
    subjectType: 'tenant',
    subjectId: after.id,
    data,
  });
  const entries: AuditEntry[] = [];
  if (before.status !== after.status) {
    entries.push(entry(after.status === 'suspended' ? 'tenant.suspended' : 'tenant.resumed', {}));
  }
  const quotas = changed(before, after, ['maxCemNodes', 'maxSessions']);
  if (Object.keys(quotas).length > 0) entries.push(entry('tenant.quota_changed', quotas));
  const profile = changed(before, after, ['name', 'logoUrl']);
  if (Object.keys(profile).length > 0) entries.push(entry('tenant.updated', profile));
  return entries;
}
