import type { TenantStatus as DbTenantStatus } from '#db';
import { tenantStatusOf } from './mapping.js';
import type { CemNodeRecord, CemNodeWithTenant } from './records.js';

/**
 * A CEM node with its tenant as one row, for the statements of every session start that read it
 * (alias `c` for cem_nodes, `t` for tenants).
 */
export const CEM_NODE_WITH_TENANT_COLUMNS = `c.id, c.tenant_id AS "tenantId", c.node_id_alias AS "nodeIdAlias", c.brand,
  c.type, c.model_name AS "modelName", c.user_defined_name AS "userDefinedName", c.logo_url AS "logoUrl",
  c.external_ref AS "externalRef", c.created_at AS "createdAt",
  t.name AS "tenantName", t.logo_url AS "tenantLogoUrl", t.status AS "tenantStatus"`;

export type CemNodeWithTenantRow = CemNodeRecord & {
  tenantName: string;
  tenantLogoUrl: string | null;
  tenantStatus: DbTenantStatus;
};

export function cemNodeWithTenantOf(row: CemNodeWithTenantRow): CemNodeWithTenant {
  const { tenantName, tenantLogoUrl, tenantStatus, ...node } = row;
  return {
    ...node,
    tenant: { id: node.tenantId, name: tenantName, logoUrl: tenantLogoUrl, status: tenantStatusOf(tenantStatus) },
  };
}
