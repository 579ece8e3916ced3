import { Injectable } from '@nestjs/common';
import { type WebhookEndpointRecord, WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { WebhookNotFoundError } from '../errors/api-error.js';
import { webhookAudit } from './webhook-audit.js';
import type { WebhookChangesBody } from './webhook.schemas.js';

/**
 * `PATCH /api/v1/webhooks/{id}`. Disabling stops recording new events for the endpoint and pauses its
 * pending deliveries; enabling again resumes them (the worker's sweep finds them within seconds).
 */
@Injectable()
export class UpdateWebhook {
  constructor(private readonly webhooks: WebhookRepository) {}

  async execute(caller: TenantPrincipal, id: string, changes: WebhookChangesBody): Promise<WebhookEndpointRecord> {
    const updated = await this.webhooks.update(
      caller.tenantId,
      id,
      changes,
      webhookAudit(caller, 'webhook.updated', id, {
        fields: Object.keys(changes).filter((key) => changes[key as keyof WebhookChangesBody] !== undefined),
      }),
    );
    if (updated === null) throw new WebhookNotFoundError();
    return updated;
  }
}
