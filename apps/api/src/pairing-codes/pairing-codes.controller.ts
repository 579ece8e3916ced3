import { Body, Header, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { cemNodeIdPipe } from '../cem-nodes/cem-node-id.pipe.js';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { IssuePairingCode } from './issue-pairing-code.use-case.js';
import { type PairingCodeView, pairingCodeView } from './pairing-code.view.js';

const MIN_TTL_SECONDS = 30;
const MAX_TTL_SECONDS = 86_400;

export const pairingCodeRequest = z
  .strictObject({
    kind: z.enum(['dynamic', 'static']).default('dynamic'),
    ttlSeconds: z.int().min(MIN_TTL_SECONDS).max(MAX_TTL_SECONDS).optional(),
  })
  .refine((body) => body.kind === 'dynamic' || body.ttlSeconds === undefined, {
    path: ['ttlSeconds'],
    error: 'is only allowed for dynamic codes',
  });

@TenantApiController('cem-nodes/:id/pairing-codes')
export class PairingCodesController {
  constructor(private readonly issuePairingCode: IssuePairingCode) {}

  @Post()
  @Header('cache-control', 'no-store')
  async issue(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', cemNodeIdPipe) id: string,
    @Body(new ZodBodyPipe(pairingCodeRequest)) body: z.output<typeof pairingCodeRequest>,
  ): Promise<PairingCodeView> {
    return pairingCodeView(await this.issuePairingCode.execute(caller, { cemNodeId: id, ...body }));
  }
}
