import { Injectable } from '@nestjs/common';
import { RandomSource } from '#security';
import { type WebhookEndpointRecord, WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { webhookAudit } from './webhook-audit.js';
import { WebhookSecrets } from './webhook-secret.js';
import type { NewWebhookBody } from './webhook.schemas.js';

/** `POST /api/v1/webhooks`: the secret is returned this once (the tenant's own, or a drawn one). */
@Injectable()
export class CreateWebhook {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly random: RandomSource,
    private readonly secrets: WebhookSecrets,
  ) {}

  async execute(
    caller: TenantPrincipal,
    request: NewWebhookBody,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const id = this.random.uuid();
    const secret = request.secret ?? this.secrets.generate();
    const endpoint = await this.webhooks.create(
      {
        id,
        tenantId: caller.tenantId,
        url: request.url,
        eventTypes: request.eventTypes,
        secret,
        description: request.description ?? null,
      },
      webhookAudit(caller, 'webhook.created', id, {
        url: request.url,
        eventTypes: request.eventTypes,
        secretChosenByTenant: request.secret !== undefined,
      }),
    );
    return { endpoint, secret };
  }
}
