import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentTenant } from '../auth/current-tenant.decorator.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { DeadLetterNotFoundError, WebhookNotFoundError } from '../errors/api-error.js';
import { TenantApiController } from '../http/api-controller.js';
import { UuidParamPipe } from '../http/uuid-param.pipe.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { CreateWebhook } from './create-webhook.use-case.js';
import { DeleteWebhook } from './delete-webhook.use-case.js';
import { GetWebhook } from './get-webhook.use-case.js';
import { ListDeadLetters } from './list-dead-letters.use-case.js';
import { ListWebhooks } from './list-webhooks.use-case.js';
import { RedeliverDeadLetter } from './redeliver-dead-letter.use-case.js';
import { RotateWebhookSecret } from './rotate-webhook-secret.use-case.js';
import { UpdateWebhook } from './update-webhook.use-case.js';
import { NewWebhookPipe, WebhookChangesPipe } from './webhook-body.pipes.js';
import { type NewWebhookBody, pageQuery, type PageQuery, type WebhookChangesBody } from './webhook.schemas.js';
import {
  type DeadLetterView,
  deadLetterView,
  type WebhookView,
  webhookView,
  type WebhookWithSecretView,
  webhookWithSecretView,
} from './webhook.view.js';

const webhookIdPipe = new UuidParamPipe(() => new WebhookNotFoundError());
const deliveryIdPipe = new UuidParamPipe(() => new DeadLetterNotFoundError());
const pagePipe = new ZodBodyPipe(pageQuery);

@TenantApiController('webhooks')
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
  async create(
    @CurrentTenant() caller: TenantPrincipal,
    @Body(NewWebhookPipe) body: NewWebhookBody,
  ): Promise<WebhookWithSecretView> {
    const { endpoint, secret } = await this.createWebhook.execute(caller, body);
    return webhookWithSecretView(endpoint, secret);
  }

  @Get()
  async list(
    @CurrentTenant() caller: TenantPrincipal,
    @Query(pagePipe) query: PageQuery,
  ): Promise<{ items: WebhookView[]; nextCursor: string | null }> {
    const page = await this.listWebhooks.execute(caller, query);
    return { items: page.items.map(webhookView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@CurrentTenant() caller: TenantPrincipal, @Param('id', webhookIdPipe) id: string): Promise<WebhookView> {
    return webhookView(await this.getWebhook.execute(caller, id));
  }

  @Patch(':id')
  async update(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
    @Body(WebhookChangesPipe) body: WebhookChangesBody,
  ): Promise<WebhookView> {
    return webhookView(await this.updateWebhook.execute(caller, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentTenant() caller: TenantPrincipal, @Param('id', webhookIdPipe) id: string): Promise<void> {
    await this.deleteWebhook.execute(caller, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  async rotate(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
  ): Promise<WebhookWithSecretView> {
    const { endpoint, secret } = await this.rotateSecret.execute(caller, id);
    return webhookWithSecretView(endpoint, secret);
  }

  @Get(':id/dead-letters')
  async deadLetters(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
    @Query(pagePipe) query: PageQuery,
  ): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    const page = await this.listDeadLetters.execute(caller, id, query);
    return { items: page.items.map(deadLetterView), nextCursor: page.nextCursor };
  }

  @Post(':id/dead-letters/:deliveryId/redeliver')
  @HttpCode(202)
  async redeliver(
    @CurrentTenant() caller: TenantPrincipal,
    @Param('id', webhookIdPipe) id: string,
    @Param('deliveryId', deliveryIdPipe) deliveryId: string,
  ): Promise<{ deliveryId: string; status: 'pending' }> {
    await this.redeliverDeadLetter.execute(caller, id, deliveryId);
    return { deliveryId, status: 'pending' };
  }
}
