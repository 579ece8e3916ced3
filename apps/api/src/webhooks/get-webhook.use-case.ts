import { Injectable } from '@nestjs/common';
import { type WebhookEndpointRecord, WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { WebhookNotFoundError } from '../errors/api-error.js';

/** `GET /api/v1/webhooks/{id}`. */
@Injectable()
export class GetWebhook {
  constructor(private readonly webhooks: WebhookRepository) {}

  async execute(caller: TenantPrincipal, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await this.webhooks.findInTenant(caller.tenantId, id);
    if (endpoint === null) throw new WebhookNotFoundError();
    return endpoint;
  }
}
