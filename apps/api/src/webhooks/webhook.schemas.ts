import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, webhookUrlProblem } from '../../../../libs/webhooks/src/index.js';

/** Shortest secret a tenant may choose: as hard to guess as the 32 random bytes the broker draws. */
export const MIN_WEBHOOK_SECRET_LENGTH = 32;

function endpointUrl(allowHttp: boolean) {
  return z
    .string()
    .max(2048)
    .superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value, allowHttp);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    });
}

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, { error: 'must name at least one event type' })
  .transform((types) => [...new Set(types)]);

const description = z.string().trim().max(500);

export function newWebhookSchema(allowHttp: boolean) {
  return z.strictObject({
    url: endpointUrl(allowHttp),
    eventTypes,
    secret: z.string().min(MIN_WEBHOOK_SECRET_LENGTH).max(256).optional(),
    description: description.optional(),
  });
}

export function webhookChangesSchema(allowHttp: boolean) {
  return z.strictObject({
    url: endpointUrl(allowHttp).optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean().optional(),
    description: description.nullable().optional(),
  });
}

export const pageQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, { error: 'must be an integer from 1 to 100' })
    .transform(Number)
    .pipe(z.int().min(1).max(100))
    .optional(),
  cursor: z.string().max(200).optional(),
});

export type NewWebhookBody = z.output<ReturnType<typeof newWebhookSchema>>;
export type WebhookChangesBody = z.output<ReturnType<typeof webhookChangesSchema>>;
export type PageQuery = z.output<typeof pageQuery>;
