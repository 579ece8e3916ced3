import { Body, Get, Header, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { ServiceAccountNotFoundError } from '../errors/api-error.js';
import { TenantApiController } from '../http/api-controller.js';
import { listPositionQuery, pageRequest } from '../http/list-query.js';
import { label } from '../http/schemas.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { CreateServiceAccount } from './create-service-account.use-case.js';
import { GetServiceAccount } from './get-service-account.use-case.js';
import { ListServiceAccounts } from './list-service-accounts.use-case.js';
import { RevokeServiceAccount } from './revoke-service-account.use-case.js';
import { RotateServiceAccountSecret } from './rotate-service-account-secret.use-case.js';
import {
  serviceAccountPageSchema,
  type ServiceAccountView,
  serviceAccountView,
  serviceAccountViewSchema,
  type ServiceAccountWithSecretView,
  serviceAccountWithSecretViewSchema,
} from './service-account.view.js';

const newServiceAccount = z.strictObject({ name: label });
const serviceAccountIdPipe = new UuidParamPipe(() => new ServiceAccountNotFoundError());

@TenantApiController('service-accounts')
@ApiTags('Service accounts')
export class ServiceAccountsController {
  constructor(
    private readonly createServiceAccount: CreateServiceAccount,
    private readonly listServiceAccounts: ListServiceAccounts,
    private readonly getServiceAccount: GetServiceAccount,
    private readonly rotateSecret: RotateServiceAccountSecret,
    private readonly revokeServiceAccount: RevokeServiceAccount,
  ) {}

  @Post()
  @ApiEndpoint({
    summary: 'Create a service account (its secret is shown once)',
    body: newServiceAccount,
    ok: { status: HttpStatus.CREATED, schema: serviceAccountWithSecretViewSchema },
  })
  @Header('cache-control', 'no-store')
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(new ZodBodyPipe(newServiceAccount)) body: z.output<typeof newServiceAccount>,
  ): Promise<ServiceAccountWithSecretView> {
    const { account, clientSecret } = await this.createServiceAccount.execute(caller, body);
    return { ...serviceAccountView(account), clientSecret };
  }

  @Get()
  @ApiEndpoint({
    summary: "List the tenant's service accounts",
    query: listPositionQuery,
    ok: { status: HttpStatus.OK, schema: serviceAccountPageSchema },
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(new ZodBodyPipe(listPositionQuery)) query: z.output<typeof listPositionQuery>,
  ): Promise<{ items: ServiceAccountView[]; nextCursor: string | null }> {
    const page = await this.listServiceAccounts.execute(caller, pageRequest(query));
    return { items: page.items.map(serviceAccountView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiEndpoint({
    summary: 'Get a service account',
    ok: { status: HttpStatus.OK, schema: serviceAccountViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async get(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', serviceAccountIdPipe) id: string,
  ): Promise<ServiceAccountView> {
    return serviceAccountView(await this.getServiceAccount.execute(caller, id));
  }

  @Post(':id/rotate-secret')
  @ApiEndpoint({
    summary: "Replace a service account's secret (the new one is shown once)",
    ok: { status: HttpStatus.OK, schema: serviceAccountWithSecretViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.CONFLICT],
  })
  @HttpCode(HttpStatus.OK)
  @Header('cache-control', 'no-store')
  async rotate(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', serviceAccountIdPipe) id: string,
  ): Promise<ServiceAccountWithSecretView> {
    const { account, clientSecret } = await this.rotateSecret.execute(caller, id);
    return { ...serviceAccountView(account), clientSecret };
  }

  @Post(':id/revoke')
  @ApiEndpoint({
    summary: 'Revoke a service account',
    ok: { status: HttpStatus.OK, schema: serviceAccountViewSchema },
    errors: [HttpStatus.NOT_FOUND, HttpStatus.CONFLICT],
  })
  @HttpCode(HttpStatus.OK)
  async revoke(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', serviceAccountIdPipe) id: string,
  ): Promise<ServiceAccountView> {
    return serviceAccountView(await this.revokeServiceAccount.execute(caller, id));
  }
}
