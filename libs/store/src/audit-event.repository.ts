import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '#db';
import { cursorCodec, type Page, type PageRequest, pageOf } from './keyset-page.js';
import type { AuditEventRecord, JsonValue } from './records.js';

export interface AuditFilter {
  action?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/** The audit trail is ordered by id (a bigint): a cursor holds the id of the last event of a page. */
export const auditEventCursor = cursorCodec<bigint>(
  1,
  (id) => [id.toString()],
  ([id = '']) => (/^[1-9]\d{0,18}$/.test(id) ? BigInt(id) : undefined),
);

/** A page request of the audit trail, newest first: `after` is the id of the last event of the previous page. */
export type AuditPageRequest = PageRequest<bigint>;

const EVENT_FIELDS = {
  id: true,
  tenantId: true,
  actorType: true,
  actorId: true,
  action: true,
  subjectType: true,
  subjectId: true,
  data: true,
  createdAt: true,
} as const;

type Row = Prisma.AuditEventGetPayload<{ select: typeof EVENT_FIELDS }>;

function recordOf(row: Row): AuditEventRecord {
  return { ...row, id: row.id.toString(), data: row.data as { [key: string]: JsonValue } };
}

/** The audit trail, newest first (ids grow with every row written). */
@Injectable()
export class AuditEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The tenant's own events. */
  listForTenant(tenantId: string, filter: AuditFilter, page: AuditPageRequest): Promise<Page<AuditEventRecord>> {
    return this.page({ tenantId }, filter, page);
  }

  /** Operator-only: every tenant's events, or one tenant's; events of deleted tenants have no tenant id. */
  listAll(
    filter: AuditFilter & { tenantId?: string | undefined },
    page: AuditPageRequest,
  ): Promise<Page<AuditEventRecord>> {
    const { tenantId, ...rest } = filter;
    return this.page(tenantId === undefined ? {} : { tenantId }, rest, page);
  }

  private async page(
    scope: Prisma.AuditEventWhereInput,
    filter: AuditFilter,
    page: AuditPageRequest,
  ): Promise<Page<AuditEventRecord>> {
    const createdAt =
      filter.from === undefined && filter.to === undefined ? undefined : { gte: filter.from, lt: filter.to };
    const rows = await this.prisma.auditEvent.findMany({
      where: {
        ...scope,
        action: filter.action,
        subjectType: filter.subjectType,
        subjectId: filter.subjectId,
        createdAt,
        id: page.after === undefined ? undefined : { lt: page.after },
      },
      select: EVENT_FIELDS,
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return pageOf(rows, page.limit, (row) => auditEventCursor.encode(row.id), recordOf);
  }
}
