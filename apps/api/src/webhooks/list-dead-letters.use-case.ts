import { Injectable } from '@nestjs/common';
import { type DeadLetterRecord, type Page, WebhookRepository } from '../../../../libs/store/src/index.js';
import type { TenantPrincipal } from '../auth/tenant-principal.js';
import { WebhookNotFoundError } from '../errors/api-error.js';
import { DEFAULT_PAGE_SIZE } from './list-webhooks.use-case.js';
import type { PageQuery } from './webhook.schemas.js';

/** `GET /api/v1/webhooks/{id}/dead-letters`: deliveries that used up their tries, latest first. */
@Injectable()
export class ListDeadLetters {
  constructor(private readonly webhooks: WebhookRepository) {}

  async execute(caller: TenantPrincipal, endpointId: string, query: PageQuery): Promise<Page<DeadLetterRecord>> {
    const page = await this.webhooks.deadLetters(
      caller.tenantId,
      endpointId,
      query.limit ?? DEFAULT_PAGE_SIZE,
      query.cursor,
    );
    if (page === null) throw new WebhookNotFoundError();
    return page;
  }
}
