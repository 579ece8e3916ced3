import { z } from 'zod';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from '#webhooks';
import type { DeadLetterRecord, WebhookEndpointRecord } from '#store';
import { component, isoDateTime, page } from '../openapi/components.js';

export const webhookViewSchema = component(
  'Webhook',
  z.object({
    id: z.uuid(),
    url: z.string(),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    description: z.string().nullable(),
    enabled: z.boolean(),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  }),
);

export type WebhookView = z.output<typeof webhookViewSchema>;

/** The answer of create and rotate-secret: the only times the secret is shown. */
export const webhookWithSecretViewSchema = component(
  'WebhookWithSecret',
  webhookViewSchema.extend({ secret: z.string() }),
);

export type WebhookWithSecretView = z.output<typeof webhookWithSecretViewSchema>;

export const webhookPageSchema = component('WebhookPage', page(webhookViewSchema));

export const deadLetterViewSchema = component(
  'DeadLetter',
  z.object({
    deliveryId: z.uuid(),
    type: z.string().meta({ description: 'the event type' }),
    // The request body as it was sent: `{id, type, occurredAt, tenantId, data}`.
    event: z.record(z.string(), z.unknown()),
    attempts: z.int(),
    lastStatus: z.int().nullable().meta({ description: 'the HTTP status of the last try, if it got an answer' }),
    lastError: z.string().nullable(),
    lastAttemptAt: isoDateTime.nullable(),
    deadAt: isoDateTime,
  }),
);

export type DeadLetterView = Omit<z.output<typeof deadLetterViewSchema>, 'event'> & { event: unknown };

export const deadLetterPageSchema = component('DeadLetterPage', page(deadLetterViewSchema));

/** The answer of a redelivery: the delivery is pending again, with the same id. */
export const redeliveryViewSchema = component(
  'Redelivery',
  z.object({ deliveryId: z.uuid(), status: z.literal('pending') }),
);

export type RedeliveryView = z.output<typeof redeliveryViewSchema>;

export function webhookView(endpoint: WebhookEndpointRecord): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    // The column holds what the schema let in: event types only.
    eventTypes: endpoint.eventTypes.filter(isWebhookEventType),
    description: endpoint.description,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export function webhookWithSecretView(endpoint: WebhookEndpointRecord, secret: string): WebhookWithSecretView {
  return { ...webhookView(endpoint), secret };
}

export function deadLetterView(letter: DeadLetterRecord): DeadLetterView {
  return {
    deliveryId: letter.id,
    type: letter.eventType,
    event: letter.payload,
    attempts: letter.attempts,
    lastStatus: letter.lastStatus,
    lastError: letter.lastError,
    lastAttemptAt: letter.lastAttemptAt?.toISOString() ?? null,
    deadAt: letter.deadAt.toISOString(),
  };
}

export function redeliveryView(deliveryId: string): RedeliveryView {
  return { deliveryId, status: 'pending' };
}
