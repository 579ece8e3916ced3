import { z } from 'zod';
import { listPositionCursor } from '#store';
import { WEBHOOK_EVENT_TYPES, webhookSecretProblem } from '#webhooks';
import { pageQuery } from '../http/list-query.js';

// What a URL may be depends on the deployment (`WEBHOOK_ALLOW_HTTP`): the body pipes check that after
// the schema, so that the schema (and the document made from it) is the same everywhere.
const endpointUrl = z.string().max(2048).meta({
  description:
    'https://, or http:// to a loopback host (any host with WEBHOOK_ALLOW_HTTP=true); no credentials, no fragment',
});

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, { error: 'must name at least one event type' })
  .transform((types) => [...new Set(types)]);

const description = z.string().trim().max(500);

// The Standard Webhooks form, so that the tenant's receiver can verify with any of its libraries.
const secret = z
  .string()
  .max(100)
  .superRefine((value, context) => {
    const problem = webhookSecretProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    description: 'whsec_ and the standard Base64 of 24 to 64 random bytes; the broker draws one when absent',
    pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
  });

export const newWebhook = z.strictObject({
  url: endpointUrl,
  eventTypes,
  secret: secret.optional(),
  description: description.optional(),
});

export const webhookChanges = z.strictObject({
  url: endpointUrl.optional(),
  eventTypes: eventTypes.optional(),
  enabled: z.boolean().optional(),
  description: description.nullable().optional(),
});

/** Endpoints and dead letters (which carry their event) come 100 at most a page. */
export const webhookPageQuery = pageQuery(listPositionCursor, 100);

export type NewWebhookBody = z.output<typeof newWebhook>;
export type WebhookChangesBody = z.output<typeof webhookChanges>;
export type WebhookPageQuery = z.output<typeof webhookPageQuery>;
