import { Injectable } from '@nestjs/common';
import type { TenantStatus as DbTenantStatus } from '../../db/src/generated/prisma/enums.js';
import { PrismaService } from '../../db/src/index.js';
import { auditRow, tenantStatusOf } from './mapping.js';
import type { AuditEntry, CemNodeRecord, CemNodeWithTenant } from './records.js';
import { isUniqueViolationOn } from './unique-violation.js';
import { isUuid } from './uuid.js';

export type NewCemNode = Omit<CemNodeRecord, 'createdAt'>;

/** A unique column another node already holds; the row was not written. */
export type CemNodeConflict = 'nodeIdAlias' | 'externalRef';

export type CreateCemNodeResult = { node: CemNodeRecord } | { conflict: CemNodeConflict };

const NODE_FIELDS = {
  id: true,
  tenantId: true,
  nodeIdAlias: true,
  brand: true,
  type: true,
  modelName: true,
  userDefinedName: true,
  logoUrl: true,
  externalRef: true,
  createdAt: true,
} as const;

const WITH_TENANT = {
  ...NODE_FIELDS,
  tenant: { select: { id: true, name: true, logoUrl: true, status: true } },
} as const;

/**
 * CEM nodes. Tenant API methods take the tenant id. `findById` and `findByAlias` do not: they serve the
 * S2 Connect pairing and session endpoints, which are one S2 endpoint for all tenants and learn the
 * tenant from the node (check `tenant.status` before serving it).
 */
@Injectable()
export class CemNodeRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(node: NewCemNode, audit: AuditEntry): Promise<CreateCemNodeResult> {
    // Asked first because a client's duplicate is an everyday 409, and a failed insert is logged as a
    // database error; the constraint still decides when two requests race.
    if (node.externalRef !== null && (await this.hasExternalRef(node.tenantId, node.externalRef))) {
      return { conflict: 'externalRef' };
    }
    try {
      const [created] = await this.prisma.$transaction([
        this.prisma.cemNode.create({ data: node, select: NODE_FIELDS }),
        this.prisma.auditEvent.create({ data: auditRow(audit), select: { id: true } }),
      ]);
      return { node: created };
    } catch (error) {
      if (isUniqueViolationOn(error, 'node_id_alias')) return { conflict: 'nodeIdAlias' };
      if (isUniqueViolationOn(error, 'external_ref')) return { conflict: 'externalRef' };
      throw error;
    }
  }

  async findInTenant(tenantId: string, id: string): Promise<CemNodeRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.cemNode.findFirst({ where: { id, tenantId }, select: NODE_FIELDS });
  }

  /** Unscoped, for the pairing server; null for an id that is not a UUID. */
  async findById(nodeId: string): Promise<CemNodeWithTenant | null> {
    if (!isUuid(nodeId)) return null;
    return withTenantStatus(await this.prisma.cemNode.findUnique({ where: { id: nodeId }, select: WITH_TENANT }));
  }

  /** Unscoped, for the pairing server: the alias is unique across the whole broker. */
  async findByAlias(nodeIdAlias: string): Promise<CemNodeWithTenant | null> {
    return withTenantStatus(await this.prisma.cemNode.findUnique({ where: { nodeIdAlias }, select: WITH_TENANT }));
  }

  /** A node of the tenant with its owner, for when the broker presents the node as pairing client. */
  async findInTenantWithTenant(tenantId: string, id: string): Promise<CemNodeWithTenant | null> {
    if (!isUuid(id)) return null;
    return withTenantStatus(await this.prisma.cemNode.findFirst({ where: { id, tenantId }, select: WITH_TENANT }));
  }

  private async hasExternalRef(tenantId: string, externalRef: string): Promise<boolean> {
    return (await this.prisma.cemNode.findFirst({ where: { tenantId, externalRef }, select: { id: true } })) !== null;
  }
}

type RowWithTenant = Omit<CemNodeWithTenant, 'tenant'> & {
  tenant: Omit<CemNodeWithTenant['tenant'], 'status'> & { status: DbTenantStatus };
};

function withTenantStatus(row: RowWithTenant | null): CemNodeWithTenant | null {
  return row === null ? null : { ...row, tenant: { ...row.tenant, status: tenantStatusOf(row.tenant.status) } };
}
