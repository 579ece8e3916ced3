import { Body, Header, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { TenantNotFoundError } from '../errors/api-error.js';
import { OperatorApiController } from '../http/api-controller.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import {
  type InvitationView,
  invitationViewSchema,
  operatorInvitationRequest,
  tenantInvitationRequest,
} from './console.schemas.js';
import { InviteUser } from './invite-user.use-case.js';

const tenantIdPipe = new UuidParamPipe(() => new TenantNotFoundError());
const OPERATOR = { actorType: 'operator', actorId: null } as const;

/** How the first people get in: the operator token invites operators and a tenant's first admin. */
@OperatorApiController('')
@ApiTags('Operator')
export class AdminInvitationsController {
  constructor(private readonly invite: InviteUser) {}

  @Post('operators/invitations')
  @ApiEndpoint({
    summary: 'Invite an operator to the console: answers the invitation link, shown once',
    body: operatorInvitationRequest,
    ok: { status: HttpStatus.CREATED, schema: invitationViewSchema },
    errors: [HttpStatus.CONFLICT],
  })
  @Header('cache-control', 'no-store')
  operator(
    @Body(new ZodBodyPipe(operatorInvitationRequest)) body: z.output<typeof operatorInvitationRequest>,
  ): Promise<InvitationView> {
    return this.invite.execute({ tenantId: null, email: body.email, role: 'operator', actor: OPERATOR });
  }

  @Post('tenants/:id/invitations')
  @ApiEndpoint({
    summary: "Invite a tenant's user (its first admin, say): answers the invitation link, shown once",
    body: tenantInvitationRequest,
    ok: { status: HttpStatus.CREATED, schema: invitationViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.CONFLICT],
  })
  @Header('cache-control', 'no-store')
  tenantUser(
    @Param('id', tenantIdPipe) tenantId: string,
    @Body(new ZodBodyPipe(tenantInvitationRequest)) body: z.output<typeof tenantInvitationRequest>,
  ): Promise<InvitationView> {
    return this.invite.execute({ tenantId, ...body, actor: OPERATOR });
  }
}
