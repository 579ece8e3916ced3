import { Body, Get, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { TenantApiController } from '../http/api-controller.js';
import { label, webUrl } from '../http/schemas.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { cemNodeIdPipe } from './cem-node-id.pipe.js';
import { type CemNodeView, cemNodeView } from './cem-node.view.js';
import { CreateCemNode } from './create-cem-node.use-case.js';
import { GetCemNode } from './get-cem-node.use-case.js';

const newCemNode = z.strictObject({
  brand: label,
  type: label,
  modelName: label,
  userDefinedName: label.optional(),
  logoUrl: webUrl.optional(),
  // The tenant's own key for the node (a site or contract id), kept exactly as sent.
  externalRef: z.string().min(1).max(200).optional(),
});

@TenantApiController('cem-nodes')
export class CemNodesController {
  constructor(
    private readonly createCemNode: CreateCemNode,
    private readonly getCemNode: GetCemNode,
  ) {}

  @Post()
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(new ZodBodyPipe(newCemNode)) body: z.output<typeof newCemNode>,
  ): Promise<CemNodeView> {
    return cemNodeView(await this.createCemNode.execute(caller, body));
  }

  @Get(':id')
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id', cemNodeIdPipe) id: string): Promise<CemNodeView> {
    return cemNodeView(await this.getCemNode.execute(caller, id));
  }
}
