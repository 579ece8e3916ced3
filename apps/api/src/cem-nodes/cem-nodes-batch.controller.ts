import { Body, Header, HttpStatus, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { TenantApiController } from '../http/api-controller.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { component } from '../openapi/components.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { pairingCodeRequest } from '../pairing-codes/pairing-codes.controller.js';
import { type PairingCodeView, pairingCodeView, pairingCodeViewSchema } from '../pairing-codes/pairing-code.view.js';
import { newCemNode } from './cem-node.schemas.js';
import { type CemNodeView, cemNodeView, cemNodeViewSchema } from './cem-node.view.js';
import { CreateCemNodes } from './create-cem-nodes.use-case.js';

export const MAX_BATCH_NODES = 1000;

const batch = z.strictObject({
  nodes: z.array(newCemNode).min(1).max(MAX_BATCH_NODES),
  pairingCodes: pairingCodeRequest.optional(),
});

type CreatedView = CemNodeView & { pairingCode?: PairingCodeView };

const createdCemNodesSchema = component(
  'CreatedCemNodes',
  z.object({ items: z.array(cemNodeViewSchema.extend({ pairingCode: pairingCodeViewSchema.optional() })) }),
);

/**
 * `POST /api/v1/cem-nodes:batch`, in the AIP-136 custom-method style. The colon is escaped for the
 * router, which would read `:batch` as a path parameter; with no slash before it, the route cannot be
 * taken for `cem-nodes/{id}`.
 */
@TenantApiController('cem-nodes\\:batch')
@ApiTags('CEM nodes')
export class CemNodesBatchController {
  constructor(private readonly createCemNodes: CreateCemNodes) {}

  @Post()
  @ApiEndpoint({
    summary: 'Create up to 1000 CEM nodes at once, optionally with a pairing code each',
    body: batch,
    ok: { status: HttpStatus.CREATED, schema: createdCemNodesSchema },
    errors: [HttpStatus.CONFLICT],
  })
  @Header('cache-control', 'no-store')
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    // One bad field in each of a thousand items would make a message of a thousand lines.
    @Body(new ZodBodyPipe(batch, 10)) body: z.output<typeof batch>,
  ): Promise<{ items: CreatedView[] }> {
    const created = await this.createCemNodes.execute(caller, body);
    return {
      items: created.map(({ node, pairingCode }) =>
        pairingCode ? { ...cemNodeView(node), pairingCode: pairingCodeView(pairingCode) } : cemNodeView(node),
      ),
    };
  }
}
