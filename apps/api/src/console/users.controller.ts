import { Body, Delete, Get, Header, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { TenantPrincipal } from '#tenant-auth';
import { auditActor } from '../audit/audit-actor.js';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import { UserNotFoundError } from '../errors/api-error.js';
import { TenantApiController } from '../http/api-controller.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import {
  type InvitationView,
  invitationViewSchema,
  tenantInvitationRequest,
  userChangesRequest,
  userListSchema,
  userViewSchema,
  type UserView,
  userView,
} from './console.schemas.js';
import { InviteUser } from './invite-user.use-case.js';
import { UserDirectory } from './user-directory.use-case.js';

const userIdPipe = new UuidParamPipe(() => new UserNotFoundError());

/** A tenant's console users; changing them takes an admin (or a service account). */
@TenantApiController('users')
@ApiTags('Users')
export class UsersController {
  constructor(
    private readonly directory: UserDirectory,
    private readonly invite: InviteUser,
  ) {}

  @Get()
  @ApiEndpoint({ summary: "The tenant's console users", ok: { status: HttpStatus.OK, schema: userListSchema } })
  async list(@CurrentTenant() caller: TenantPrincipal): Promise<{ items: UserView[] }> {
    return { items: (await this.directory.list(caller.tenantId)).map(userView) };
  }

  @Post('invitations')
  @ApiEndpoint({
    summary: 'Invite a person: answers the invitation link, shown once (valid 7 days, one use)',
    body: tenantInvitationRequest,
    ok: { status: HttpStatus.CREATED, schema: invitationViewSchema },
    errors: [HttpStatus.CONFLICT],
  })
  @Header('cache-control', 'no-store')
  async createInvitation(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(new ZodBodyPipe(tenantInvitationRequest)) body: z.output<typeof tenantInvitationRequest>,
  ): Promise<InvitationView> {
    return this.invite.execute({ tenantId: caller.tenantId, ...body, actor: auditActor(caller) });
  }

  @Patch(':id')
  @ApiEndpoint({
    summary: "Change a user's role, or disable them (their sessions end at once) or enable them again",
    body: userChangesRequest,
    ok: { status: HttpStatus.OK, schema: userViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.CONFLICT],
  })
  async change(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', userIdPipe) id: string,
    @Body(new ZodBodyPipe(userChangesRequest)) body: z.output<typeof userChangesRequest>,
  ): Promise<UserView> {
    return userView(await this.directory.change(caller, id, body));
  }

  @Delete(':id')
  @ApiEndpoint({
    summary: 'Delete a user: their sessions end and the invitations they sent stop working',
    ok: { status: HttpStatus.NO_CONTENT },
    errors: [HttpStatus.NOT_FOUND],
  })
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id', userIdPipe) id: string): Promise<void> {
    await this.directory.remove(caller, id);
  }
}
