import { Injectable } from '@nestjs/common';
import { type Prisma, type TenantStatus as DbTenantStatus, PrismaService } from '#db';
import { SecretCipher } from '#security';
import { auditData, auditRow, tenantStatusOf } from './mapping.js';
import { CEM_NODE_WITH_TENANT_COLUMNS, cemNodeWithTenantOf, type CemNodeWithTenantRow } from './cem-node-columns.js';
import type { NewPairingCode } from './pairing-code.repository.js';
import { PairingRepository, type RemovedPairing } from './pairings/pairing.repository.js';
import { type ListPosition, type Page, type PageRequest, pastPosition, positionPage } from './keyset-page.js';
import type { AuditEntry, CemNodeRecord, CemNodeWithTenant } from './records.js';
import { pairingTokenPlace } from './secret-places.js';
import { isUniqueViolationOn } from './unique-violation.js';
import { isUuid } from './uuid.js';

export type NewCemNode = Omit<CemNodeRecord, 'createdAt'>;

/** A unique column another node already holds; the row was not written. */
export type CemNodeConflict = 'nodeIdAlias' | 'externalRef';

/** The tenant's `maxCemNodes`, which the write would have exceeded; nothing was written. */
export interface CemNodeQuota {
  max: number;
  existing: number;
}

export type CreateCemNodeResult = { node: CemNodeRecord } | { conflict: CemNodeConflict } | { quota: CemNodeQuota };

/** The descriptive fields a tenant may change; absent means unchanged, null clears. */
export type CemNodeChanges = Partial<
  Pick<CemNodeRecord, 'brand' | 'type' | 'modelName' | 'userDefinedName' | 'logoUrl' | 'externalRef'>
>;

export type UpdateCemNodeResult = { node: CemNodeRecord } | { conflict: 'externalRef' } | { notFound: true };

export interface NewCemNodeBatch {
  tenantId: string;
  /** Each with its id and a first alias; taken aliases are replaced with `drawAlias`. */
  nodes: NewCemNode[];
  drawAlias: () => string;
  /** A pairing code for every node, or none. */
  pairingCode: Pick<NewPairingCode, 'token' | 'expiresAt'>[] | null;
  /** The audit rows of the batch, built once the aliases are final. */
  audit: (nodes: readonly NewCemNode[]) => AuditEntry[];
}

export type CreateCemNodesResult =
  | { nodes: CemNodeRecord[] }
  | { conflict: 'nodeIdAlias' }
  | { conflict: 'externalRef'; externalRef: string }
  | { quota: CemNodeQuota };

export interface CemNodeListing extends PageRequest<ListPosition> {
  externalRef?: string | undefined;
}

/** Redrawing taken aliases round after round: more rounds than this means the alias space is full. */
const ALIAS_ROUNDS = 5;

/** A batch of a thousand nodes holds its transaction for a while; the interactive default (5 s) is tight. */
const BATCH_TRANSACTION = { maxWait: 10_000, timeout: 60_000 } as const;

type Tx = Prisma.TransactionClient;

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
  constructor(
    private readonly prisma: PrismaService,
    private readonly pairings: PairingRepository,
    private readonly cipher: SecretCipher,
  ) {}

  async create(node: NewCemNode, audit: AuditEntry): Promise<CreateCemNodeResult> {
    // Asked first because a client's duplicate is an everyday 409, and a failed insert is logged as a
    // database error; the constraint still decides when two requests race.
    if (node.externalRef !== null && (await this.hasExternalRef(node.tenantId, node.externalRef))) {
      return { conflict: 'externalRef' };
    }
    try {
      return await this.prisma.$transaction(async (tx): Promise<CreateCemNodeResult> => {
        const quota = await this.exceededQuota(tx, node.tenantId, 1);
        if (quota) return { quota };
        const created = await tx.cemNode.create({ data: node, select: NODE_FIELDS });
        await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
        return { node: created };
      });
    } catch (error) {
      if (isUniqueViolationOn(error, 'node_id_alias')) return { conflict: 'nodeIdAlias' };
      if (isUniqueViolationOn(error, 'external_ref')) return { conflict: 'externalRef' };
      throw error;
    }
  }

  /**
   * Every node of the batch, its pairing code and audit rows, in one transaction: all or nothing.
   * Multi-row inserts, and one query per round for the aliases, whatever the size of the batch.
   */
  async createMany(batch: NewCemNodeBatch): Promise<CreateCemNodesResult> {
    const { tenantId } = batch;
    try {
      return await this.prisma.$transaction(async (tx): Promise<CreateCemNodesResult> => {
        const quota = await this.exceededQuota(tx, tenantId, batch.nodes.length);
        if (quota) return { quota };
        const refs = batch.nodes.flatMap((node) => (node.externalRef === null ? [] : [node.externalRef]));
        if (refs.length > 0) {
          const [taken] = await tx.$queryRaw<{ ref: string }[]>`
            SELECT external_ref AS ref FROM cem_nodes
            WHERE tenant_id = ${tenantId}::uuid AND external_ref = ANY(${refs}::text[]) LIMIT 1`;
          if (taken) return { conflict: 'externalRef', externalRef: taken.ref };
        }
        const nodes = await this.withFreeAliases(tx, batch.nodes, batch.drawAlias);
        const createdAt = await insertNodes(tx, tenantId, nodes);
        if (batch.pairingCode) await insertPairingCodes(tx, tenantId, nodes, batch.pairingCode, this.cipher);
        await insertAudit(tx, batch.audit(nodes));
        return { nodes: nodes.map((node) => ({ ...node, createdAt })) };
      }, BATCH_TRANSACTION);
    } catch (error) {
      if (error instanceof AliasTakenMeanwhile) return { conflict: 'nodeIdAlias' };
      throw error;
    }
  }

  /** Oldest first (then by id), `limit` at most, after `after`; optionally only the one with an externalRef. */
  async listInTenant(tenantId: string, listing: CemNodeListing): Promise<Page<CemNodeRecord>> {
    const rows = await this.prisma.cemNode.findMany({
      where: {
        tenantId,
        ...(listing.externalRef === undefined ? {} : { externalRef: listing.externalRef }),
        ...pastPosition('createdAt', listing.after),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: listing.limit + 1,
      select: NODE_FIELDS,
    });
    return positionPage(rows, listing.limit, 'createdAt');
  }

  async updateInTenant(
    tenantId: string,
    id: string,
    changes: CemNodeChanges,
    audit: AuditEntry,
  ): Promise<UpdateCemNodeResult> {
    if (!isUuid(id)) return { notFound: true };
    if (changes.externalRef !== undefined && changes.externalRef !== null) {
      const holder = await this.prisma.cemNode.findFirst({
        where: { tenantId, externalRef: changes.externalRef, id: { not: id } },
        select: { id: true },
      });
      if (holder) return { conflict: 'externalRef' };
    }
    try {
      return await this.prisma.$transaction(async (tx): Promise<UpdateCemNodeResult> => {
        const { count } = await tx.cemNode.updateMany({ where: { id, tenantId }, data: changes });
        if (count === 0) return { notFound: true };
        await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
        return { node: await tx.cemNode.findUniqueOrThrow({ where: { id }, select: NODE_FIELDS }) };
      });
    } catch (error) {
      if (isUniqueViolationOn(error, 'external_ref')) return { conflict: 'externalRef' };
      throw error;
    }
  }

  /**
   * Deletes the node with its pairing codes, unpairing every RM paired with it exactly as a tenant's
   * unpair does (tombstones included), in one transaction. The removed pairings, for their events;
   * undefined when the node is not the tenant's.
   */
  async deleteInTenant(tenantId: string, id: string, audit: AuditEntry): Promise<RemovedPairing[] | undefined> {
    if (!isUuid(id)) return undefined;
    return this.prisma.$transaction(async (tx) => {
      const removed = await this.pairings.unpairAllOfNode(tx, tenantId, id, 'cem-node-deleted', async () => {
        const locked = await tx.$queryRaw<unknown[]>`
          SELECT 1 FROM cem_nodes WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
        return locked.length > 0;
      });
      if (removed === undefined) return undefined;
      await tx.cemNode.delete({ where: { id }, select: { id: true } });
      await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return removed;
    }, BATCH_TRANSACTION);
  }

  async findInTenant(tenantId: string, id: string): Promise<CemNodeRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.cemNode.findFirst({ where: { id, tenantId }, select: NODE_FIELDS });
  }

  /**
   * Unscoped, for the pairing server; null for an id that is not a UUID. Asked on every session start,
   * hence a prepared statement (see PrismaService.prepared).
   */
  async findById(nodeId: string): Promise<CemNodeWithTenant | null> {
    if (!isUuid(nodeId)) return null;
    const [row] = await this.prisma.prepared<CemNodeWithTenantRow>(
      'cem-node-by-id',
      `SELECT ${CEM_NODE_WITH_TENANT_COLUMNS} FROM cem_nodes c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = $1::uuid`,
      [nodeId],
    );
    return row ? cemNodeWithTenantOf(row) : null;
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

  /**
   * The tenant's quota if adding `adding` nodes would exceed it. The tenant row stays locked until the
   * transaction ends, so that concurrent creations take turns and cannot both take the last slot.
   * `FOR NO KEY UPDATE` rather than `FOR UPDATE`: foreign-key checks of other inserts for the tenant
   * (pairings, audit rows) do not wait for it.
   */
  private async exceededQuota(tx: Tx, tenantId: string, adding: number): Promise<CemNodeQuota | undefined> {
    const [tenant] = await tx.$queryRaw<{ max: number | null }[]>`
      SELECT max_cem_nodes AS max FROM tenants WHERE id = ${tenantId}::uuid FOR NO KEY UPDATE`;
    if (tenant === undefined || tenant.max === null) return undefined;
    const existing = await tx.cemNode.count({ where: { tenantId } });
    return existing + adding > tenant.max ? { max: tenant.max, existing } : undefined;
  }

  /** `nodes` with aliases that no node holds (unscoped: aliases are unique across the broker). */
  private async withFreeAliases(tx: Tx, nodes: readonly NewCemNode[], drawAlias: () => string): Promise<NewCemNode[]> {
    const result = nodes.map((node) => ({ ...node }));
    for (let round = 1; round <= ALIAS_ROUNDS; round++) {
      const seen = new Set<string>();
      const clashing = new Set<number>();
      result.forEach((node, i) => {
        if (seen.has(node.nodeIdAlias)) clashing.add(i);
        seen.add(node.nodeIdAlias);
      });
      const taken = await tx.$queryRaw<{ alias: string }[]>`
        SELECT node_id_alias AS alias FROM cem_nodes WHERE node_id_alias = ANY(${[...seen]}::text[])`;
      const takenAliases = new Set(taken.map((row) => row.alias));
      result.forEach((node, i) => {
        if (takenAliases.has(node.nodeIdAlias)) clashing.add(i);
      });
      if (clashing.size === 0) return result;
      for (const i of clashing) (result[i] as NewCemNode).nodeIdAlias = drawAlias();
    }
    throw new Error(`no free node id aliases in ${ALIAS_ROUNDS} rounds`);
  }
}

/** Rolls the batch back: a concurrent creation took an alias between the check and the insert. */
class AliasTakenMeanwhile extends Error {}

// Bulk writes in plain SQL, one statement per table with one array parameter per column: Prisma's
// createMany spends milliseconds per row building and checking its query, which made a batch of a
// thousand nodes take seconds.

/** Inserts the nodes; their creation time (the transaction's, the same for all). */
async function insertNodes(tx: Tx, tenantId: string, nodes: readonly NewCemNode[]): Promise<Date> {
  const column = <K extends keyof NewCemNode>(key: K) => nodes.map((node) => node[key]);
  const rows = await tx.$queryRaw<{ createdAt: Date }[]>`
    INSERT INTO cem_nodes (id, tenant_id, node_id_alias, brand, type, model_name, user_defined_name, logo_url,
                           external_ref, updated_at)
    SELECT id, ${tenantId}::uuid, alias, brand, type, model, name, logo, ref, now()
    FROM unnest(${column('id')}::uuid[], ${column('nodeIdAlias')}::text[], ${column('brand')}::text[],
                ${column('type')}::text[], ${column('modelName')}::text[], ${column('userDefinedName')}::text[],
                ${column('logoUrl')}::text[], ${column('externalRef')}::text[])
         AS n(id, alias, brand, type, model, name, logo, ref)
    ON CONFLICT (node_id_alias) DO NOTHING
    RETURNING created_at AS "createdAt"`;
  if (rows.length !== nodes.length) throw new AliasTakenMeanwhile();
  return (rows[0] as { createdAt: Date }).createdAt;
}

async function insertPairingCodes(
  tx: Tx,
  tenantId: string,
  nodes: readonly NewCemNode[],
  codes: readonly Pick<NewPairingCode, 'token' | 'expiresAt'>[],
  cipher: SecretCipher,
): Promise<void> {
  const tokens = codes.map((code, index) => cipher.seal(code.token, pairingTokenPlace(nodes[index]?.id ?? '')));
  await tx.$executeRaw`
    INSERT INTO pairing_codes (id, tenant_id, cem_node_id, token, expires_at)
    SELECT gen_random_uuid(), ${tenantId}::uuid, node, token, expires
    FROM unnest(${nodes.map((node) => node.id)}::uuid[], ${tokens}::text[],
                ${codes.map((code) => code.expiresAt)}::timestamptz[]) AS c(node, token, expires)`;
}

async function insertAudit(tx: Tx, entries: readonly AuditEntry[]): Promise<void> {
  const column = <K extends keyof AuditEntry>(key: K) => entries.map((entry) => entry[key]);
  await tx.$executeRaw`
    INSERT INTO audit_events (tenant_id, actor_type, actor_id, action, subject_type, subject_id, data)
    SELECT * FROM unnest(${column('tenantId')}::uuid[], ${column('actorType')}::text[], ${column('actorId')}::text[],
                         ${column('action')}::text[], ${column('subjectType')}::text[], ${column('subjectId')}::text[],
                         ${entries.map((entry) => JSON.stringify(auditData(entry)))}::jsonb[])`;
}

type RowWithTenant = Omit<CemNodeWithTenant, 'tenant'> & {
  tenant: Omit<CemNodeWithTenant['tenant'], 'status'> & { status: DbTenantStatus };
};

function withTenantStatus(row: RowWithTenant | null): CemNodeWithTenant | null {
  return row === null ? null : { ...row, tenant: { ...row.tenant, status: tenantStatusOf(row.tenant.status) } };
}
