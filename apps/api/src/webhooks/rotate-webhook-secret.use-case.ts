import { Injectable } from '@nestjs/common';
import { type WebhookEndpointRecord, WebhookRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { WebhookNotFoundError } from '../errors/api-error.js';
import { webhookAudit } from './webhook-audit.js';
import { WebhookSecrets } from './webhook-secret.js';

/**
 * `POST /api/v1/webhooks/{id}/rotate-secret`: a new drawn secret, shown this once. Every try from now
 * on is signed with it, including retries of deliveries recorded before.
 */
@Injectable()
export class RotateWebhookSecret {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly secrets: WebhookSecrets,
  ) {}

  async execute(caller: TenantPrincipal, id: string): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const secret = this.secrets.generate();
    const endpoint = await this.webhooks.rotateSecret(
      caller.tenantId,
      id,
      secret,
      webhookAudit(caller, 'webhook.secret_rotated', id),
    );
    if (endpoint === null) throw new WebhookNotFoundError();
    return { endpoint, secret };
  }
}
