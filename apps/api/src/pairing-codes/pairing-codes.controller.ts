import { Body, Header, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { cemNodeIdPipe } from '../cem-nodes/cem-node-id.pipe.js';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { IssuePairingCode } from './issue-pairing-code.use-case.js';
import { type PairingCodeView, pairingCodeView, pairingCodeViewSchema } from './pairing-code.view.js';

const MIN_TTL_SECONDS = 30;
const MAX_TTL_SECONDS = 86_400;

/**
 * `kind` stays in the request so that callers who name it hear why `static` is refused: S2 Connect
 * allows static tokens only for nodes without a user interface, and a CEM node always has one.
 */
export const pairingCodeRequest = z
  .strictObject({
    kind: z.enum(['dynamic', 'static']).default('dynamic'),
    ttlSeconds: z.int().min(MIN_TTL_SECONDS).max(MAX_TTL_SECONDS).optional(),
  })
  .refine((body) => body.kind === 'dynamic', {
    path: ['kind'],
    error:
      'static pairing codes are not issued: S2 Connect allows them only for nodes without a user interface, and a CEM node has one',
  });

@TenantApiController('cem-nodes/:id/pairing-codes')
@ApiTags('CEM nodes')
export class PairingCodesController {
  constructor(private readonly issuePairingCode: IssuePairingCode) {}

  @Post()
  @ApiEndpoint({
    summary: 'Issue a pairing code for a CEM node',
    body: pairingCodeRequest,
    ok: { status: HttpStatus.CREATED, schema: pairingCodeViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  @Header('cache-control', 'no-store')
  async issue(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', cemNodeIdPipe) id: string,
    @Body(new ZodBodyPipe(pairingCodeRequest)) body: z.output<typeof pairingCodeRequest>,
  ): Promise<PairingCodeView> {
    return pairingCodeView(await this.issuePairingCode.execute(caller, { cemNodeId: id, ttlSeconds: body.ttlSeconds }));
  }
}
