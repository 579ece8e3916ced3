import { Injectable } from '@nestjs/common';
import { type Page, type WebhookEndpointRecord, WebhookRepository } from '../../../../libs/store/src/index.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import type { PageQuery } from './webhook.schemas.js';

export const DEFAULT_PAGE_SIZE = 50;

/** `GET /api/v1/webhooks`. */
@Injectable()
export class ListWebhooks {
  constructor(private readonly webhooks: WebhookRepository) {}

  execute(caller: TenantPrincipal, query: PageQuery): Promise<Page<WebhookEndpointRecord>> {
    return this.webhooks.list(caller.tenantId, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }
}
