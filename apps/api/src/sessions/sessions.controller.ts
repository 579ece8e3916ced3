import { Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { TenantApiController } from '../http/api-controller.js';
import { uuidQuery } from '../http/pagination.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { type PairingView, pairingView } from '../pairings/pairing.view.js';
import { GetRm } from './get-rm.use-case.js';
import { ListSessions } from './list-sessions.use-case.js';
import { type SessionView, sessionView } from './session.view.js';

const sessionListQuery = z.strictObject({ cemNodeId: uuidQuery });

@TenantApiController('sessions')
export class SessionsController {
  constructor(private readonly listSessions: ListSessions) {}

  @Get()
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(sessionListQuery)) query: z.output<typeof sessionListQuery>,
  ): Promise<{ items: SessionView[] }> {
    const sessions = await this.listSessions.execute(caller, query.cemNodeId);
    return { items: sessions.map(([rmNodeId, entry]) => sessionView(rmNodeId, entry)) };
  }
}

@TenantApiController('rms')
export class RmsController {
  constructor(private readonly getRm: GetRm) {}

  @Get(':rmNodeId')
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
