import { Injectable } from '@nestjs/common';
import { type DeadLetterRecord, type ListPosition, type Page, type PageRequest, WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { WebhookNotFoundError } from '../errors/api-error.js';

/** `GET /api/v1/webhooks/{id}/dead-letters`: deliveries that used up their tries, latest first. */
@Injectable()
export class ListDeadLetters {
  constructor(private readonly webhooks: WebhookRepository) {}

  async execute(
    caller: TenantPrincipal,
    endpointId: string,
    page: PageRequest<ListPosition>,
  ): Promise<Page<DeadLetterRecord>> {
    const letters = await this.webhooks.deadLetters(caller.tenantId, endpointId, page);
    if (letters === null) throw new WebhookNotFoundError();
    return letters;
  }
}
