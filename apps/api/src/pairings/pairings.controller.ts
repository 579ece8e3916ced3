import { Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { Page } from '#store';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { TenantApiController } from '../http/api-controller.js';
import { listPositionQuery, pageRequest } from '../http/list-query.js';
import { uuidQuery } from '../http/schemas.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { ListPairings } from './list-pairings.use-case.js';
import { pairingPageSchema, type PairingView, pairingView } from './pairing.view.js';
import { UnpairRm } from './unpair-rm.use-case.js';

const pairingListQuery = listPositionQuery.extend({ cemNodeId: uuidQuery });

@TenantApiController('pairings')
@ApiTags('Pairings')
export class PairingsController {
  constructor(
    private readonly unpairRm: UnpairRm,
    private readonly listPairings: ListPairings,
  ) {}

  @Get()
  @ApiEndpoint({
    summary: "List the tenant's pairings, or one CEM node's",
    query: pairingListQuery,
    ok: { status: HttpStatus.OK, schema: pairingPageSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(pairingListQuery)) query: z.output<typeof pairingListQuery>,
  ): Promise<Page<PairingView>> {
    const page = await this.listPairings.execute(caller, { ...pageRequest(query), cemNodeId: query.cemNodeId });
    return {
      items: page.items.map(({ pairing, connected }) => pairingView(pairing, connected)),
      nextCursor: page.nextCursor,
    };
  }

  @Delete(':rmNodeId')
  @HttpCode(204)
  @ApiEndpoint({
    summary: 'Unpair an RM (the broker tells it, as communication server)',
    ok: { status: HttpStatus.NO_CONTENT },
    errors: [HttpStatus.NOT_FOUND],
  })
  async unpair(@CurrentTenant() caller: TenantPrincipal, @Param('rmNodeId') rmNodeId: string): Promise<void> {
    await this.unpairRm.execute(caller, rmNodeId);
  }
}
