import { z } from 'zod';
import type { ServiceAccountRecord } from '#store';
import { component, isoDateTime, page } from '../openapi/components.js';

export const serviceAccountViewSchema = component(
  'ServiceAccount',
  z.object({
    id: z.uuid(),
    name: z.string(),
    clientId: z.string(),
    createdAt: isoDateTime,
    lastUsedAt: isoDateTime.nullable(),
    revokedAt: isoDateTime.nullable(),
  }),
);

export type ServiceAccountView = z.output<typeof serviceAccountViewSchema>;

/** With the secret: only in the answer that created or rotated it. */
export const serviceAccountWithSecretViewSchema = component(
  'ServiceAccountWithSecret',
  serviceAccountViewSchema.extend({ clientSecret: z.string() }),
);

export type ServiceAccountWithSecretView = z.output<typeof serviceAccountWithSecretViewSchema>;

export const serviceAccountPageSchema = component('ServiceAccountPage', page(serviceAccountViewSchema));

export function serviceAccountView(account: ServiceAccountRecord): ServiceAccountView {
  return {
    id: account.id,
    name: account.name,
    clientId: account.clientId,
    createdAt: account.createdAt.toISOString(),
    lastUsedAt: account.lastUsedAt?.toISOString() ?? null,
    revokedAt: account.revokedAt?.toISOString() ?? null,
  };
}
