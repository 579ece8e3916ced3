import type { AuditEventRecord, JsonValue } from '../../../../libs/store/src/index.js';

export interface AuditEventView {
  id: string;
  tenantId: string | null;
  /** `operator` or `service_account`. */
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: { [key: string]: JsonValue };
  createdAt: string;
}

export function auditEventView(event: AuditEventRecord): AuditEventView {
  return {
    id: event.id,
    tenantId: event.tenantId,
    actorType: event.actorType,
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    data: event.data,
    createdAt: event.createdAt.toISOString(),
  };
}
