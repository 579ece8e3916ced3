import { Injectable } from '@nestjs/common';
import { WebhookRepository } from '#store';
import { LaneQueue } from '#webhooks';
import type { TenantPrincipal } from '#tenant-auth';
import { DeadLetterNotFoundError, WebhookNotFoundError } from '../errors/api-error.js';
import { webhookAudit } from './webhook-audit.js';

/**
 * `POST /api/v1/webhooks/{id}/dead-letters/{deliveryId}/redeliver`: the delivery is pending again, with
 * the same id and body and a fresh count of tries, ahead of its lane's other pending deliveries.
 */
@Injectable()
export class RedeliverDeadLetter {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly lanes: LaneQueue,
  ) {}

  async execute(caller: TenantPrincipal, endpointId: string, deliveryId: string): Promise<void> {
    if ((await this.webhooks.findInTenant(caller.tenantId, endpointId)) === null) throw new WebhookNotFoundError();
    const laneId = await this.webhooks.redeliver(
      caller.tenantId,
      endpointId,
      deliveryId,
      webhookAudit(caller, 'webhook.redelivered', endpointId, { deliveryId }),
    );
    if (laneId === null) throw new DeadLetterNotFoundError();
    // The delivery is durably pending: should Redis not take the job now, the worker's sweep adds it.
    await this.lanes.schedule([laneId]).catch(() => undefined);
  }
}
