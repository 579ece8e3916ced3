import { Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Page } from '#store';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '#tenant-auth';
import { DeadLetterNotFoundError, WebhookNotFoundError } from '../errors/api-error.js';
import { TenantApiController } from '../http/api-controller.js';
import { pageRequest } from '../http/list-query.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { ApiEndpoint } from '../openapi/api-endpoint.decorator.js';
import { CreateWebhook } from './create-webhook.use-case.js';
import { DeleteWebhook } from './delete-webhook.use-case.js';
import { GetWebhook } from './get-webhook.use-case.js';
import { ListDeadLetters } from './list-dead-letters.use-case.js';
import { ListWebhooks } from './list-webhooks.use-case.js';
import { RedeliverDeadLetter } from './redeliver-dead-letter.use-case.js';
import { RotateWebhookSecret } from './rotate-webhook-secret.use-case.js';
import { UpdateWebhook } from './update-webhook.use-case.js';
import { NewWebhookPipe, WebhookChangesPipe } from './webhook-body.pipes.js';
import {
  newWebhook,
  type NewWebhookBody,
  webhookChanges,
  type WebhookChangesBody,
  webhookPageQuery,
  type WebhookPageQuery,
} from './webhook.schemas.js';
import {
  deadLetterPageSchema,
  type DeadLetterView,
  deadLetterView,
  redeliveryView,
  type RedeliveryView,
  redeliveryViewSchema,
  webhookPageSchema,
  type WebhookView,
  webhookView,
  webhookViewSchema,
  type WebhookWithSecretView,
  webhookWithSecretView,
  webhookWithSecretViewSchema,
} from './webhook.view.js';

const webhookIdPipe = new UuidParamPipe(() => new WebhookNotFoundError());
const deliveryIdPipe = new UuidParamPipe(() => new DeadLetterNotFoundError());
const pagePipe = new ZodBodyPipe(webhookPageQuery);

@TenantApiController('webhooks')
@ApiTags('Webhooks')
export class WebhooksController {
  constructor(
    private readonly createWebhook: CreateWebhook,
    private readonly listWebhooks: ListWebhooks,
    private readonly getWebhook: GetWebhook,
    private readonly updateWebhook: UpdateWebhook,
    private readonly deleteWebhook: DeleteWebhook,
    private readonly rotateSecret: RotateWebhookSecret,
    private readonly listDeadLetters: ListDeadLetters,
    private readonly redeliverDeadLetter: RedeliverDeadLetter,
  ) {}

  @Post()
  @ApiEndpoint({
    summary: 'Register a webhook endpoint (its secret is shown once)',
    body: newWebhook,
    ok: { status: HttpStatus.CREATED, schema: webhookWithSecretViewSchema },
  })
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(NewWebhookPipe) body: NewWebhookBody,
  ): Promise<WebhookWithSecretView> {
    const { endpoint, secret } = await this.createWebhook.execute(caller, body);
    return webhookWithSecretView(endpoint, secret);
  }

  @Get()
  @ApiEndpoint({
    summary: "List the tenant's webhook endpoints, oldest first",
    query: webhookPageQuery,
    ok: { status: HttpStatus.OK, schema: webhookPageSchema },
  })
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(pagePipe) query: WebhookPageQuery,
  ): Promise<Page<WebhookView>> {
    const page = await this.listWebhooks.execute(caller, pageRequest(query));
    return { items: page.items.map(webhookView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiEndpoint({
    summary: 'Get a webhook endpoint',
    ok: { status: HttpStatus.OK, schema: webhookViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id', webhookIdPipe) id: string): Promise<WebhookView> {
    return webhookView(await this.getWebhook.execute(caller, id));
  }

  @Patch(':id')
  @ApiEndpoint({
    summary: 'Change a webhook endpoint (disabling pauses its deliveries)',
    body: webhookChanges,
    ok: { status: HttpStatus.OK, schema: webhookViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async update(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
    @Body(WebhookChangesPipe) body: WebhookChangesBody,
  ): Promise<WebhookView> {
    return webhookView(await this.updateWebhook.execute(caller, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiEndpoint({
    summary: 'Delete a webhook endpoint with its pending deliveries and dead letters',
    ok: { status: HttpStatus.NO_CONTENT },
    errors: [HttpStatus.NOT_FOUND],
  })
  async delete(@CurrentTenant() caller: TenantPrincipal, @Param('id', webhookIdPipe) id: string): Promise<void> {
    await this.deleteWebhook.execute(caller, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiEndpoint({
    summary: "Replace a webhook endpoint's secret (the new one is shown once)",
    ok: { status: HttpStatus.OK, schema: webhookWithSecretViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async rotate(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
  ): Promise<WebhookWithSecretView> {
    const { endpoint, secret } = await this.rotateSecret.execute(caller, id);
    return webhookWithSecretView(endpoint, secret);
  }

  @Get(':id/dead-letters')
  @ApiEndpoint({
    summary: "A webhook endpoint's dead letters, latest first",
    query: webhookPageQuery,
    ok: { status: HttpStatus.OK, schema: deadLetterPageSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async deadLetters(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
    @Query(pagePipe) query: WebhookPageQuery,
  ): Promise<Page<DeadLetterView>> {
    const page = await this.listDeadLetters.execute(caller, id, pageRequest(query));
    return { items: page.items.map(deadLetterView), nextCursor: page.nextCursor };
  }

  @Post(':id/dead-letters/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiEndpoint({
    summary: 'Make a dead letter pending again, with the same delivery id',
    ok: { status: HttpStatus.ACCEPTED, schema: redeliveryViewSchema },
    errors: [HttpStatus.NOT_FOUND],
  })
  async redeliver(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
    @Param('deliveryId', deliveryIdPipe) deliveryId: string,
  ): Promise<RedeliveryView> {
    await this.redeliverDeadLetter.execute(caller, id, deliveryId);
    return redeliveryView(deliveryId);
  }
}
