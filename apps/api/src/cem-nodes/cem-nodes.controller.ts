import { Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import type { Page } from '#store';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { TenantApiController } from '../http/api-controller.js';
import { pageRequest } from '../http/list-query.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { cemNodeIdPipe } from './cem-node-id.pipe.js';
import { cemNodeChanges, cemNodeListQuery, newCemNode } from './cem-node.schemas.js';
import { cemNodePageSchema, type CemNodeView, cemNodeView, cemNodeViewSchema } from './cem-node.view.js';
import { CreateCemNode } from './create-cem-node.use-case.js';
import { DeleteCemNode } from './delete-cem-node.use-case.js';
import { GetCemNode } from './get-cem-node.use-case.js';
import { ListCemNodes } from './list-cem-nodes.use-case.js';
import { UpdateCemNode } from './update-cem-node.use-case.js';

@TenantApiController('cem-nodes')
@ApiTags('CEM nodes')
export class CemNodesController {
  constructor(
    private readonly createCemNode: CreateCemNode,
    private readonly getCemNode: GetCemNode,
    private readonly listCemNodes: ListCemNodes,
    private readonly updateCemNode: UpdateCemNode,
    private readonly deleteCemNode: DeleteCemNode,
  ) {}

  @Post()
  @ApiEndpoint({
    summary: 'Create a CEM node',
    body: newCemNode,
    ok: { status: HttpStatus.CREATED, schema: cemNodeViewSchema },
    errors: [HttpStatus.CONFLICT],
  })
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(new ZodBodyPipe(newCemNode)) body: z.output<typeof newCemNode>,
  ): Promise<CemNodeView> {
    return cemNodeView(await this.createCemNode.execute(caller, body));
  }

  @Get()
  @ApiEndpoint({
    summary: "List the tenant's CEM nodes",
    query: cemNodeListQuery,
    ok: { status: HttpStatus.OK, schema: cemNodePageSchema },
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(cemNodeListQuery)) query: z.output<typeof cemNodeListQuery>,
  ): Promise<Page<CemNodeView>> {
    const page = await this.listCemNodes.execute(caller, { ...pageRequest(query), externalRef: query.externalRef });
    return { items: page.items.map(cemNodeView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiEndpoint({
    summary: 'Get a CEM node',
    ok: { status: HttpStatus.OK, schema: cemNodeViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id', cemNodeIdPipe) id: string): Promise<CemNodeView> {
    return cemNodeView(await this.getCemNode.execute(caller, id));
  }

  @Patch(':id')
  @ApiEndpoint({
    summary: 'Change a CEM node',
    body: cemNodeChanges,
    ok: { status: HttpStatus.OK, schema: cemNodeViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.CONFLICT],
  })
  async update(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', cemNodeIdPipe) id: string,
    @Body(new ZodBodyPipe(cemNodeChanges)) body: z.output<typeof cemNodeChanges>,
  ): Promise<CemNodeView> {
    return cemNodeView(await this.updateCemNode.execute(caller, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiEndpoint({
    summary: 'Delete a CEM node (unpairs its RMs)',
    ok: { status: HttpStatus.NO_CONTENT },
    errors: [HttpStatus.NOT_FOUND],
  })
  async remove(@CurrentTenant() caller: TenantPrincipal, @Param('id', cemNodeIdPipe) id: string): Promise<void> {
    await this.deleteCemNode.execute(caller, id);
  }
}
