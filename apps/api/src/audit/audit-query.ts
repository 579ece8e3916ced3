import { z } from 'zod';
import { auditEventCursor } from '#store';
import { pageQuery, pageRequest } from '../http/list-query.js';

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
  .transform((text) => new Date(text));

const token = z.string().min(1).max(200);

/** `GET /api/v1/audit-events` (and the operator's, which adds `tenantId`). */
export const auditQuery = pageQuery(auditEventCursor).extend({
  action: token.optional(),
  subjectType: token.optional(),
  subjectId: token.optional(),
  from: instant.optional(),
  to: instant.optional(),
});

export type AuditQuery = z.output<typeof auditQuery>;

/** The store's filter and page of a parsed query. */
export function auditSearch({ limit, cursor, ...filter }: AuditQuery) {
  return { filter, page: pageRequest({ limit, cursor }) };
}
