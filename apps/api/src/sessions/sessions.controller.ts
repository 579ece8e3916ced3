import { Get, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { TenantApiController } from '../http/api-controller.js';
import { uuidQuery } from '../http/schemas.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { type PairingView, pairingView } from '../pairings/pairing.view.js';
import { GetRm } from './get-rm.use-case.js';
import { ListSessions } from './list-sessions.use-case.js';
import { rmViewSchema, sessionListSchema, type SessionView, sessionView } from './session.view.js';

const sessionListQuery = z.strictObject({ cemNodeId: uuidQuery });

@TenantApiController('sessions')
@ApiTags('Sessions')
export class SessionsController {
  constructor(private readonly listSessions: ListSessions) {}

  @Get()
  @ApiEndpoint({
    summary: "List the live sessions of the tenant's RMs, or of one CEM node's",
    query: sessionListQuery,
    ok: { status: HttpStatus.OK, schema: sessionListSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(sessionListQuery)) query: z.output<typeof sessionListQuery>,
  ): Promise<{ items: SessionView[] }> {
    const sessions = await this.listSessions.execute(caller, query.cemNodeId);
    return { items: sessions.map(([rmNodeId, entry]) => sessionView(rmNodeId, entry)) };
  }
}

@TenantApiController('rms')
@ApiTags('Sessions')
export class RmsController {
  constructor(private readonly getRm: GetRm) {}

  @Get(':rmNodeId')
  @ApiEndpoint({
    summary: 'An RM: its pairing, its live session if any, and its latest messages',
    ok: { status: HttpStatus.OK, schema: rmViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async get(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('rmNodeId') rmNodeId: string,
  ): Promise<{ pairing: PairingView; session: SessionView | null; snapshot: unknown[] }> {
    const rm = await this.getRm.execute(caller, rmNodeId);
    return {
      pairing: pairingView(rm.pairing, rm.session !== undefined),
      session: rm.session ? sessionView(rmNodeId, rm.session) : null,
      snapshot: rm.snapshot,
    };
  }
}
