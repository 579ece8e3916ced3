import { Body, Delete, Get, Header, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { TenantNotFoundError } from '../errors/api-error.js';
import { OperatorApiController } from '../http/api-controller.js';
import { listPositionQuery, pageRequest } from '../http/list-query.js';
import { label, webUrl } from '../http/schemas.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { CreateTenant } from './create-tenant.use-case.js';
import { DeleteTenant } from './delete-tenant.use-case.js';
import { GetTenant } from './get-tenant.use-case.js';
import { ListTenants } from './list-tenants.use-case.js';
import {
  createdTenantViewSchema,
  tenantPageSchema,
  type TenantView,
  tenantView,
  tenantViewSchema,
} from './tenant.view.js';
import { UpdateTenant } from './update-tenant.use-case.js';

const newTenant = z.strictObject({ name: label, logoUrl: webUrl.optional() });

/** A quota: a count the column (int4) can hold, or null for none. */
const quota = z.int().min(0).max(2_147_483_647).nullable();

const tenantChanges = z.strictObject({
  name: label.optional(),
  logoUrl: webUrl.nullable().optional(),
  status: z.enum(['active', 'suspended']).optional(),
  maxCemNodes: quota.optional(),
  maxSessions: quota.optional(),
});

const tenantIdPipe = new UuidParamPipe(() => new TenantNotFoundError());

type CreatedTenantView = z.output<typeof createdTenantViewSchema>;

@OperatorApiController('tenants')
@ApiTags('Operator')
export class TenantsController {
  constructor(
    private readonly createTenant: CreateTenant,
    private readonly listTenants: ListTenants,
    private readonly getTenant: GetTenant,
    private readonly updateTenant: UpdateTenant,
    private readonly deleteTenant: DeleteTenant,
  ) {}

  @Post()
  @ApiEndpoint({
    summary: 'Create a tenant and its first service account (the secret is shown once)',
    body: newTenant,
    ok: { status: HttpStatus.CREATED, schema: createdTenantViewSchema },
  })
  @Header('cache-control', 'no-store')
  async create(@Body(new ZodBodyPipe(newTenant)) body: z.output<typeof newTenant>): Promise<CreatedTenantView> {
    const { tenant, serviceAccount } = await this.createTenant.execute(body);
    return { id: tenant.id, name: tenant.name, logoUrl: tenant.logoUrl, serviceAccount };
  }

  @Get()
  @ApiEndpoint({
    summary: 'List tenants',
    query: listPositionQuery,
    ok: { status: HttpStatus.OK, schema: tenantPageSchema },
  })
  async list(
    @Query(new ZodBodyPipe(listPositionQuery)) query: z.output<typeof listPositionQuery>,
  ): Promise<{ items: TenantView[]; nextCursor: string | null }> {
    const page = await this.listTenants.execute(pageRequest(query));
    return { items: page.items.map(tenantView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiEndpoint({
    summary: 'Get a tenant',
    ok: { status: HttpStatus.OK, schema: tenantViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async get(@Param('id', tenantIdPipe) id: string): Promise<TenantView> {
    return tenantView(await this.getTenant.execute(id));
  }

  @Patch(':id')
  @ApiEndpoint({
    summary: 'Change a tenant: name, logo, status (suspend), quotas',
    body: tenantChanges,
    ok: { status: HttpStatus.OK, schema: tenantViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async update(
    @Param('id', tenantIdPipe) id: string,
    @Body(new ZodBodyPipe(tenantChanges)) body: z.output<typeof tenantChanges>,
  ): Promise<TenantView> {
    return tenantView(await this.updateTenant.execute(id, body));
  }

  @Delete(':id')
  @ApiEndpoint({
    summary: 'Delete a tenant and everything it has',
    ok: { status: HttpStatus.NO_CONTENT },
    errors: [HttpStatus.NOT_FOUND],
  })
  @HttpCode(HttpStatus.NO_CONTENT)
  async remove(@Param('id', tenantIdPipe) id: string): Promise<void> {
    await this.deleteTenant.execute(id);
  }
}
