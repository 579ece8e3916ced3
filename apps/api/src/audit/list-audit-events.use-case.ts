import { Injectable } from '@nestjs/common';
import { type AuditEventRecord, AuditEventRepository, type Page } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { type AuditQuery, auditSearch } from './audit-query.js';

/** `GET /api/v1/audit-events`: the caller's tenant's own events, newest first. */
@Injectable()
export class ListAuditEvents {
  constructor(private readonly events: AuditEventRepository) {}

  execute(caller: TenantPrincipal, query: AuditQuery): Promise<Page<AuditEventRecord>> {
    const { filter, page } = auditSearch(query);
    return this.events.listForTenant(caller.tenantId, filter, page);
  }
}
