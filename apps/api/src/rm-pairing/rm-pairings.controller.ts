import { Body, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { PAIRING_CODE_PATTERN } from '../../../../libs/s2-connect/src/pairing-code.js';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { cemNodeIdPipe } from '../cem-nodes/cem-node-id.pipe.js';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { PairWithRm } from './pair-with-rm.use-case.js';
import type { RmPairingView } from './rm-pairing.view.js';

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
export class RmPairingsController {
  constructor(private readonly pairWithRm: PairWithRm) {}

  @Post()
  async pair(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', cemNodeIdPipe) id: string,
    @Body(new ZodBodyPipe(pairingRequest)) body: z.output<typeof pairingRequest>,
  ): Promise<RmPairingView> {
    return this.pairWithRm.execute(caller, { cemNodeId: id, ...body });
  }
}
