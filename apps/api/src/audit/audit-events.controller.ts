import { Get, HttpStatus, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { auditEventPageSchema, type AuditEventView, auditEventView } from './audit-event.view.js';
import { type AuditQuery, auditQuery } from './audit-query.js';
import { ListAuditEvents } from './list-audit-events.use-case.js';

@TenantApiController('audit-events')
@ApiTags('Audit')
export class AuditEventsController {
  constructor(private readonly listAuditEvents: ListAuditEvents) {}

  @Get()
  @ApiEndpoint({
    summary: "The tenant's audit trail, newest first",
    query: auditQuery,
    ok: { status: HttpStatus.OK, schema: auditEventPageSchema },
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(auditQuery)) query: AuditQuery,
  ): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
    const page = await this.listAuditEvents.execute(caller, query);
    return { items: page.items.map(auditEventView), nextCursor: page.nextCursor };
  }
}
