import { Injectable } from '@nestjs/common';
import { type AuditEventRecord, AuditEventRepository, type Page } from '#store';
import { type AuditQuery, auditSearch } from '../audit/audit-query.js';

/** `GET /admin/v1/audit-events`: every tenant's events, or one tenant's, newest first. */
@Injectable()
export class ListAllAuditEvents {
  constructor(private readonly events: AuditEventRepository) {}

  execute(query: AuditQuery & { tenantId?: string | undefined }): Promise<Page<AuditEventRecord>> {
    const { tenantId, ...rest } = query;
    const { filter, page } = auditSearch(rest);
    return this.events.listAll({ ...filter, tenantId }, page);
  }
}
