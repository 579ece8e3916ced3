import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { TenantApiController } from '../http/api-controller.js';
import { type PageView, pageView } from '../http/pagination.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { cemNodeIdPipe } from './cem-node-id.pipe.js';
import { cemNodeChanges, cemNodeListQuery, newCemNode } from './cem-node.schemas.js';
import { type CemNodeView, cemNodeView } from './cem-node.view.js';
import { CreateCemNode } from './create-cem-node.use-case.js';
import { DeleteCemNode } from './delete-cem-node.use-case.js';
import { GetCemNode } from './get-cem-node.use-case.js';
import { ListCemNodes } from './list-cem-nodes.use-case.js';
import { UpdateCemNode } from './update-cem-node.use-case.js';

@TenantApiController('cem-nodes')
export class CemNodesController {
  constructor(
    private readonly createCemNode: CreateCemNode,
    private readonly getCemNode: GetCemNode,
    private readonly listCemNodes: ListCemNodes,
    private readonly updateCemNode: UpdateCemNode,
    private readonly deleteCemNode: DeleteCemNode,
  ) {}

  @Post()
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(new ZodBodyPipe(newCemNode)) body: z.output<typeof newCemNode>,
  ): Promise<CemNodeView> {
    return cemNodeView(await this.createCemNode.execute(caller, body));
  }

  @Get()
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(cemNodeListQuery)) query: z.output<typeof cemNodeListQuery>,
  ): Promise<PageView<CemNodeView>> {
    const page = await this.listCemNodes.execute(caller, {
      limit: query.limit,
      after: query.cursor,
      externalRef: query.externalRef,
    });
    return pageView(page, cemNodeView, (node) => ({ at: node.createdAt, id: node.id }));
  }

  @Get(':id')
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id', cemNodeIdPipe) id: string): Promise<CemNodeView> {
    return cemNodeView(await this.getCemNode.execute(caller, id));
  }

  @Patch(':id')
  async update(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', cemNodeIdPipe) id: string,
    @Body(new ZodBodyPipe(cemNodeChanges)) body: z.output<typeof cemNodeChanges>,
  ): Promise<CemNodeView> {
    return cemNodeView(await this.updateCemNode.execute(caller, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id', cemNodeIdPipe) id: string): Promise<void> {
    await this.deleteCemNode.execute(caller, id);
  }
}
