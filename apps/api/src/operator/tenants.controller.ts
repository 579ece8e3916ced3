import { Body, Get, Header, Post } from '@nestjs/common';
import { z } from 'zod';
import type { TenantStatus } from '../../../../libs/store/src/index.js';
import { OperatorApiController } from '../http/api-controller.js';
import { label, webUrl } from '../http/schemas.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { CreateTenant } from './create-tenant.use-case.js';
import { ListTenants } from './list-tenants.use-case.js';

const newTenant = z.strictObject({ name: label, logoUrl: webUrl.optional() });

interface CreatedTenantView {
  id: string;
  name: string;
  logoUrl: string | null;
  serviceAccount: { clientId: string; clientSecret: string };
}

interface TenantView {
  id: string;
  name: string;
  logoUrl: string | null;
  status: TenantStatus;
  createdAt: string;
}

@OperatorApiController('tenants')
export class TenantsController {
  constructor(
    private readonly createTenant: CreateTenant,
    private readonly listTenants: ListTenants,
  ) {}

  @Post()
  @Header('cache-control', 'no-store')
  async create(@Body(new ZodBodyPipe(newTenant)) body: z.output<typeof newTenant>): Promise<CreatedTenantView> {
    const { tenant, serviceAccount } = await this.createTenant.execute(body);
    return { id: tenant.id, name: tenant.name, logoUrl: tenant.logoUrl, serviceAccount };
  }

  @Get()
  async list(): Promise<{ items: TenantView[] }> {
    const tenants = await this.listTenants.execute();
    return {
      items: tenants.map(({ id, name, logoUrl, status, createdAt }) => ({
        id,
        name,
        logoUrl,
        status,
        createdAt: createdAt.toISOString(),
      })),
    };
  }
}
