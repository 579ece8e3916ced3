import { z } from 'zod';
import type { AuditEventRecord, JsonValue } from '#store';
import { component, isoDateTime, page } from '../openapi/components.js';

export const auditEventViewSchema = component(
  'AuditEvent',
  z.object({
    id: z.string(),
    tenantId: z.uuid().nullable(),
    actorType: z
      .string()
      .meta({ description: '`operator`, `service_account` or `user` (then `data.actorEmail` is their email)' }),
    actorId: z.string().nullable(),
    action: z.string(),
    subjectType: z.string().nullable(),
    subjectId: z.string().nullable(),
    // Any JSON: z.json() would need a recursive shared definition, which OpenAPI 3.0 cannot name.
    data: z.record(z.string(), z.unknown()),
    createdAt: isoDateTime,
  }),
);

export type AuditEventView = Omit<z.output<typeof auditEventViewSchema>, 'data'> & {
  data: { [key: string]: JsonValue };
};

export const auditEventPageSchema = component('AuditEventPage', page(auditEventViewSchema));

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
