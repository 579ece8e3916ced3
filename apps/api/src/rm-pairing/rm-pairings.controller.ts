import { Body, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { PAIRING_CODE_PATTERN } from '#s2-connect';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { cemNodeIdPipe } from '../cem-nodes/cem-node-id.pipe.js';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { PairWithRm } from './pair-with-rm.use-case.js';
import { type RmPairingView, rmPairingViewSchema } from './rm-pairing.view.js';

const pairingRequest = z.strictObject({
  // Checked further (scheme, host) by the use case, which knows whether http is allowed.
  pairingUrl: z.string().min(1).max(2048),
  pairingCode: z
    .string()
    .trim()
    .max(200)
    // The message never repeats the code: its token is a secret.
    .regex(PAIRING_CODE_PATTERN, { error: 'must be [nodeIdAlias-]token: letters and digits, the token at least 4' }),
});

@TenantApiController('cem-nodes/:id/pairings')
@ApiTags('Pairings')
export class RmPairingsController {
  constructor(private readonly pairWithRm: PairWithRm) {}

  @Post()
  @ApiEndpoint({
    summary: "Pair a CEM node with a WAN RM endpoint, the broker as pairing client, using the RM's pairing code",
    body: pairingRequest,
    ok: { status: HttpStatus.CREATED, schema: rmPairingViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.SERVICE_UNAVAILABLE],
    peerErrors: [
      HttpStatus.CONFLICT,
      HttpStatus.UNPROCESSABLE_ENTITY,
      HttpStatus.BAD_GATEWAY,
      HttpStatus.GATEWAY_TIMEOUT,
    ],
  })
  async pair(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', cemNodeIdPipe) id: string,
    @Body(new ZodBodyPipe(pairingRequest)) body: z.output<typeof pairingRequest>,
  ): Promise<RmPairingView> {
    return this.pairWithRm.execute(caller, { cemNodeId: id, ...body });
  }
}
