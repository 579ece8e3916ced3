import { Injectable } from '@nestjs/common';
import { WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { WebhookNotFoundError } from '../errors/api-error.js';
import { webhookAudit } from './webhook-audit.js';

/** `DELETE /api/v1/webhooks/{id}`: the endpoint goes with its pending deliveries and dead letters. */
@Injectable()
export class DeleteWebhook {
  constructor(private readonly webhooks: WebhookRepository) {}

  async execute(caller: TenantPrincipal, id: string): Promise<void> {
    if (!(await this.webhooks.delete(caller.tenantId, id, webhookAudit(caller, 'webhook.deleted', id)))) {
      throw new WebhookNotFoundError();
    }
  }
}
