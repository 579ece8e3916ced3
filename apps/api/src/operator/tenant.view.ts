import { z } from 'zod';
import type { TenantDetails } from '#store';
import { component, isoDateTime, page } from '../openapi/components.js';

const quota = z.int().nullable().meta({ description: 'null: no limit' });

export const tenantViewSchema = component(
  'Tenant',
  z.object({
    id: z.uuid(),
    name: z.string(),
    logoUrl: z.string().nullable(),
    status: z.enum(['active', 'suspended']),
    maxCemNodes: quota,
    maxSessions: quota,
    createdAt: isoDateTime,
  }),
);

export type TenantView = z.output<typeof tenantViewSchema>;

export const tenantPageSchema = component('TenantPage', page(tenantViewSchema));

/** The answer that created a tenant: its first service account's secret is shown only there. */
export const createdTenantViewSchema = component(
  'CreatedTenant',
  z.object({
    id: z.uuid(),
    name: z.string(),
    logoUrl: z.string().nullable(),
    serviceAccount: z.object({ clientId: z.string(), clientSecret: z.string() }),
  }),
);

export function tenantView(tenant: TenantDetails): TenantView {
  return {
    id: tenant.id,
    name: tenant.name,
    logoUrl: tenant.logoUrl,
    status: tenant.status,
    maxCemNodes: tenant.maxCemNodes,
    maxSessions: tenant.maxSessions,
    createdAt: tenant.createdAt.toISOString(),
  };
}
