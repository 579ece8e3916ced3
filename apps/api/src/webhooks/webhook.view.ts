import type { DeadLetterRecord, WebhookEndpointRecord } from '../../../../libs/store/src/index.js';

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The answer of create and rotate-secret: the only times the secret is shown. */
export interface WebhookWithSecretView extends WebhookView {
  secret: string;
}

export interface DeadLetterView {
  deliveryId: string;
  type: string;
  event: unknown;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deadAt: string;
}

export function webhookView(endpoint: WebhookEndpointRecord): WebhookView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
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
