import type { BrokerEvent } from '#events';
import type { WebhookEventType } from './event-types.js';

export interface WebhookPayload {
  /** The delivery id: the same on every try, so receivers can drop duplicates. */
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  tenantId: string;
  data: Record<string, string>;
}

/** The time a stream entry was added: its id is `<milliseconds>-<sequence>`. */
export function streamEntryTime(entryId: string): Date {
  return new Date(Number(entryId.split('-')[0]));
}

/** What the receiver gets for `event`, recorded once per endpoint and sent unchanged on every try. */
export function webhookPayload(deliveryId: string, event: BrokerEvent, occurredAt: Date): WebhookPayload {
  const { type, tenantId, ...data } = event;
  return { id: deliveryId, type, occurredAt: occurredAt.toISOString(), tenantId, data: { ...data } };
}
