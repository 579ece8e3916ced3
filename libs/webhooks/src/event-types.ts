/** The events a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['pairing.created', 'pairing.removed', 'session.opened', 'session.closed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
