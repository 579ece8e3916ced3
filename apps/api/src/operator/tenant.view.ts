import type { TenantDetails, TenantStatus } from '../../../../libs/store/src/index.js';

export interface TenantView {
  id: string;
  name: string;
  logoUrl: string | null;
  status: TenantStatus;
  /** null: no limit. */
  maxCemNodes: number | null;
  maxSessions: number | null;
  createdAt: string;
}

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
