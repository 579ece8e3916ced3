import { Body, Get, Header, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { UserRecord } from '#store';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { InviteUser } from '../console/invite-user.use-case.js';
import { type InvitationView, invitationViewSchema } from '../console/console.schemas.js';
import { TenantNotFoundError } from '../errors/api-error.js';
import { OperatorViewController } from '../http/api-controller.js';
import { listPositionQuery, pageRequest } from '../http/list-query.js';
import { label } from '../http/schemas.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { CreateTenant } from '../operator/create-tenant.use-case.js';
import { createdTenantViewSchema } from '../operator/tenant.view.js';
import {
  operatorHealthSchema,
  operatorInvitationRequest,
  operatorTenantPageSchema,
  replicaListSchema,
} from './operator-view.schemas.js';
import { type OperatorHealthView, OperatorOverview, type OperatorTenantView } from './operator-view.use-cases.js';

const newTenant = z.strictObject({ name: label });
const tenantIdPipe = new UuidParamPipe(() => new TenantNotFoundError());

/** Who acts, in the audit trail, when an operator user changes something. */
function actorOf(user: UserRecord) {
  return { actorType: 'user' as const, actorId: user.id, actorEmail: user.email };
}

/** The operator's console: tenants, replicas and health, for a signed-in user with role `operator`. */
@OperatorViewController('')
@ApiTags('Operator view')
export class OperatorOverviewController {
  constructor(
    private readonly overview: OperatorOverview,
    private readonly createTenant: CreateTenant,
    private readonly invite: InviteUser,
  ) {}

  @Get('tenants')
  @ApiEndpoint({
    summary: 'Tenants, with their CEM nodes, pairings and live sessions counted',
    query: listPositionQuery,
    ok: { status: HttpStatus.OK, schema: operatorTenantPageSchema },
  })
  tenants(
    @Query(new ZodBodyPipe(listPositionQuery)) query: z.output<typeof listPositionQuery>,
  ): Promise<{ items: OperatorTenantView[]; nextCursor: string | null }> {
    return this.overview.tenantPage(pageRequest(query));
  }

  @Post('tenants')
  @ApiEndpoint({
    summary: 'Create a tenant and its first service account (the secret is shown once)',
    body: newTenant,
    ok: { status: HttpStatus.CREATED, schema: createdTenantViewSchema },
  })
  @Header('cache-control', 'no-store')
  async create(
    @CurrentUser() user: UserRecord,
    @Body(new ZodBodyPipe(newTenant)) body: z.output<typeof newTenant>,
  ): Promise<z.output<typeof createdTenantViewSchema>> {
    const { tenant, serviceAccount } = await this.createTenant.execute(body, actorOf(user));
    return { id: tenant.id, name: tenant.name, logoUrl: tenant.logoUrl, serviceAccount };
  }

  @Post('tenants/:id/invitations')
  @ApiEndpoint({
    summary: "Invite a tenant's first admin: answers the invitation link, shown once",
    body: operatorInvitationRequest,
    ok: { status: HttpStatus.CREATED, schema: invitationViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.CONFLICT],
  })
  @Header('cache-control', 'no-store')
  inviteAdmin(
    @CurrentUser() user: UserRecord,
    @Param('id', tenantIdPipe) tenantId: string,
    @Body(new ZodBodyPipe(operatorInvitationRequest)) body: z.output<typeof operatorInvitationRequest>,
  ): Promise<InvitationView> {
    return this.invite.execute({ tenantId, email: body.email, role: 'admin', actor: actorOf(user) });
  }

  @Get('replicas')
  @ApiEndpoint({
    summary: 'The gateway replicas: their sessions, CEM channels, drain and last heartbeat',
    ok: { status: HttpStatus.OK, schema: replicaListSchema },
  })
  async replicas(): Promise<z.output<typeof replicaListSchema>> {
    const replicas = await this.overview.replicas();
    return { items: replicas.map((replica) => ({ ...replica, lastSeenAt: replica.lastSeenAt.toISOString() })) };
  }

  @Get('health')
  @ApiEndpoint({
    summary: 'PostgreSQL, Redis and the gateway replicas, as the broker sees them now',
    ok: { status: HttpStatus.OK, schema: operatorHealthSchema },
  })
  @Header('cache-control', 'no-store')
  health(): Promise<OperatorHealthView> {
    return this.overview.healthNow();
  }
}
