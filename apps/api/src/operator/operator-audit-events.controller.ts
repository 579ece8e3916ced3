import { Get, HttpStatus, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { auditEventPageSchema, type AuditEventView, auditEventView } from '../audit/audit-event.view.js';
import { auditQuery } from '../audit/audit-query.js';
import { OperatorApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { ListAllAuditEvents } from './list-all-audit-events.use-case.js';

const operatorAuditQuery = auditQuery.extend({ tenantId: z.uuid({ error: 'must be a UUID' }).optional() });

@OperatorApiController('audit-events')
@ApiTags('Operator')
export class OperatorAuditEventsController {
  constructor(private readonly listAllAuditEvents: ListAllAuditEvents) {}

  @Get()
  @ApiEndpoint({
    summary: 'The audit trail of every tenant and the operator, newest first',
    query: operatorAuditQuery,
    ok: { status: HttpStatus.OK, schema: auditEventPageSchema },
  })
  async list(
    @Query(new ZodBodyPipe(operatorAuditQuery)) query: z.output<typeof operatorAuditQuery>,
  ): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
    const page = await this.listAllAuditEvents.execute(query);
    return { items: page.items.map(auditEventView), nextCursor: page.nextCursor };
  }
}
