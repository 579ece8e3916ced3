import { z } from 'zod';
import { decodeCursor } from '../../../../libs/store/src/index.js';
import { pageQuery } from '../http/list-query.js';

/** An audit cursor holds the id (a bigint) of the last event of the previous page. */
function decodeAuditCursor(cursor: string): bigint | undefined {
  const [id] = decodeCursor(cursor, 1) ?? [];
  return id !== undefined && /^[1-9]\d{0,18}$/.test(id) ? BigInt(id) : undefined;
}

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
  .transform((text) => new Date(text));

const token = z.string().min(1).max(200);

/** `GET /api/v1/audit-events` (and the operator's, which adds `tenantId`). */
export const auditQuery = pageQuery(decodeAuditCursor).extend({
  action: token.optional(),
  subjectType: token.optional(),
  subjectId: token.optional(),
  from: instant.optional(),
  to: instant.optional(),
});

export type AuditQuery = z.output<typeof auditQuery>;

/** The store's filter and page of a parsed query. */
export function auditSearch({ limit, cursor, ...filter }: AuditQuery) {
  return { filter, page: { limit, before: cursor } };
}
