import { Injectable } from '@nestjs/common';
import { type ListPosition, type Page, type PageRequest, type WebhookEndpointRecord, WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';

/** `GET /api/v1/webhooks`: oldest first. */
@Injectable()
export class ListWebhooks {
  constructor(private readonly webhooks: WebhookRepository) {}

  execute(caller: TenantPrincipal, page: PageRequest<ListPosition>): Promise<Page<WebhookEndpointRecord>> {
    return this.webhooks.list(caller.tenantId, page);
  }
}
