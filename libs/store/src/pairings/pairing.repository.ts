import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService, type TenantStatus as DbTenantStatus } from '#db';
import type { EndpointDescription, NodeDescription } from '#s2-connect';
import type { PairingEvent } from '#events';
import { auditRow, tenantStatusOf } from '../mapping.js';
import { isUuid } from '../uuid.js';
import { CEM_NODE_WITH_TENANT_COLUMNS, cemNodeWithTenantOf, type CemNodeWithTenantRow } from '../cem-node-columns.js';
import type { AuditEntry, CemNodeWithTenant, SessionPolicy } from '../records.js';
import { type HistoryColumns, historyPolicyOf } from '../history-settings.repository.js';

type RemovalReason = Extract<PairingEvent, { type: 'pairing.removed' }>['reason'];

export interface PairingRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly rmNodeId: string;
}

export interface RemovedPairing extends PairingRecord {
  readonly reason: RemovalReason;
}

/** A pairing reached through one of its access tokens, with what session initiation checks. */
export interface TokenHolder {
  readonly pairing: PairingRecord;
  /** Read in the same statement, so that admitting the session asks nothing more. */
  readonly tenant: SessionPolicy;
}

type Tx = Prisma.TransactionClient;

/** A pending access token as `initiateSession` hands it out (only its hash is stored). */
export interface PendingToken {
  readonly tokenHash: string;
  readonly s2Version: string;
  readonly now: Date;
  readonly expiresAt: Date;
  readonly rmNode?: NodeDescription | undefined;
  readonly rmEndpoint?: EndpointDescription | undefined;
}

interface TenantPolicyColumns {
  readonly tenantStatus: DbTenantStatus;
  readonly maxSessions: number | null;
}

function policyOf(row: TenantPolicyColumns): SessionPolicy {
  return { status: tenantStatusOf(row.tenantStatus), maxSessions: row.maxSessions };
}

const PAIRING_FIELDS = { id: true, tenantId: true, cemNodeId: true, rmNodeId: true } as const;

/**
 * Pairings and their S2 Connect access tokens (stored as hashes). Changes to one RM's pairing are
 * serialised with a transaction-scoped advisory lock on the RM node id, so two replicas finishing
 * pairings of the same RM at once leave exactly one pairing.
 */
@Injectable()
export class PairingRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores a new pairing with its first access token. A pairing the RM already had (with this CEM
   * node or another) is unpaired in the same transaction and returned, so its sessions can be closed.
   * `audit` is written in the same transaction, when a tenant's caller made the pairing.
   */
  async completePairing(input: {
    tenantId: string;
    cemNodeId: string;
    rmNode: NodeDescription;
    rmEndpoint: EndpointDescription;
    accessTokenHash: string;
    audit?: AuditEntry;
  }): Promise<{ pairing: PairingRecord; removed: RemovedPairing[]; pairedAt: Date }> {
    return this.prisma.$transaction(async (tx) => {
      await this.lockRm(tx, input.rmNode.id);
      const existing = await tx.pairing.findUnique({ where: { rmNodeId: input.rmNode.id }, select: PAIRING_FIELDS });
      const removed: RemovedPairing[] = [];
      if (existing) {
        const reason = existing.cemNodeId === input.cemNodeId ? 'repaired' : 'paired-elsewhere';
        await this.removeInTx(tx, existing.id, reason);
        removed.push({ ...existing, reason });
      }
      const { pairedAt, ...pairing } = await tx.pairing.create({
        data: {
          tenantId: input.tenantId,
          cemNodeId: input.cemNodeId,
          rmNodeId: input.rmNode.id,
          rmNodeDescription: input.rmNode as unknown as Prisma.InputJsonValue,
          rmEndpointDescription: input.rmEndpoint as unknown as Prisma.InputJsonValue,
          accessTokens: {
            create: { tenantId: input.tenantId, tokenHash: input.accessTokenHash, state: 'ACTIVE' },
          },
        },
        select: { ...PAIRING_FIELDS, pairedAt: true },
      });
      if (input.audit) await tx.auditEvent.create({ data: auditRow(input.audit), select: { id: true } });
      return { pairing, removed, pairedAt };
    });
  }

  async findByActiveToken(tokenHash: string): Promise<TokenHolder | undefined> {
    const [row] = await this.prisma.prepared<PairingRecord & TenantPolicyColumns>(
      'pairing-by-active-token',
      `SELECT p.id, p.tenant_id AS "tenantId", p.cem_node_id AS "cemNodeId", p.rm_node_id AS "rmNodeId",
              n.status AS "tenantStatus", n.max_sessions AS "maxSessions"
       FROM access_tokens t JOIN pairings p ON p.id = t.pairing_id JOIN tenants n ON n.id = p.tenant_id
       WHERE t.token_hash = $1 AND t.state = 'ACTIVE'`,
      [tokenHash],
    );
    if (!row) return undefined;
    const { tenantStatus, maxSessions, ...pairing } = row;
    return { pairing, tenant: policyOf({ tenantStatus, maxSessions }) };
  }

  /**
   * The whole of `initiateSession` against the database in one statement, for every session start:
   * the pairing holding the token (with its tenant's policy), the CEM node named (with its tenant),
   * and, when the token names these two nodes, the tenant is active without a session quota and
   * `pending` is given, the pending token stored as `addPendingToken` stores it. A quota needs the
   * session directory first, so with one nothing is stored (`pendingStored` false) and the caller
   * asks the directory, then `addPendingToken`.
   */
  async initiate(input: {
    tokenHash: string;
    rmNodeId: string;
    cemNodeId: string;
    pending?: PendingToken | undefined;
  }): Promise<{ holder?: TokenHolder; node: CemNodeWithTenant | null; pendingStored: boolean }> {
    const { pending } = input;
    const [row] = await this.prisma.prepared<
      Partial<PairingRecord & TenantPolicyColumns & { pendingStored: boolean }> & {
        node: CemNodeWithTenantRow | null;
      }
    >(
      'initiate-session',
      `WITH holder AS (
         SELECT p.id, p.tenant_id, p.cem_node_id, p.rm_node_id, n.status, n.max_sessions
         FROM access_tokens a JOIN pairings p ON p.id = a.pairing_id JOIN tenants n ON n.id = p.tenant_id
         WHERE a.token_hash = $1 AND a.state = 'ACTIVE'
       ), node AS (
         SELECT ${CEM_NODE_WITH_TENANT_COLUMNS}
         FROM cem_nodes c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = $3::uuid
       ), admitted AS (
         SELECT h.id, h.tenant_id FROM holder h
         WHERE $4::text IS NOT NULL AND h.rm_node_id = $2 AND h.cem_node_id = $3::uuid
           AND h.status = 'ACTIVE' AND h.max_sessions IS NULL AND EXISTS (SELECT 1 FROM node)
       ), dropped AS (
         DELETE FROM access_tokens
         WHERE pairing_id IN (SELECT id FROM admitted) AND state = 'PENDING' AND expires_at <= $5::timestamptz
       ), described AS (
         UPDATE pairings
         SET rm_node_description = COALESCE($6::jsonb, rm_node_description),
             rm_endpoint_description = COALESCE($7::jsonb, rm_endpoint_description)
         WHERE id IN (SELECT id FROM admitted) AND ($6::jsonb IS NOT NULL OR $7::jsonb IS NOT NULL)
       ), stored AS (
         INSERT INTO access_tokens (id, tenant_id, pairing_id, token_hash, state, expires_at, s2_version)
         SELECT gen_random_uuid(), tenant_id, id, $4, 'PENDING', $8::timestamptz, $9 FROM admitted
         RETURNING id
       )
       SELECT h.id, h.tenant_id AS "tenantId", h.cem_node_id AS "cemNodeId", h.rm_node_id AS "rmNodeId",
              h.status AS "tenantStatus", h.max_sessions AS "maxSessions",
              EXISTS (SELECT 1 FROM stored) AS "pendingStored",
              (SELECT row_to_json(node) FROM node) AS node
       FROM (SELECT 1) one LEFT JOIN holder h ON true`,
      [
        input.tokenHash,
        input.rmNodeId,
        isUuid(input.cemNodeId) ? input.cemNodeId : null,
        pending?.tokenHash ?? null,
        pending?.now ?? null,
        pending?.rmNode ? JSON.stringify(pending.rmNode) : null,
        pending?.rmEndpoint ? JSON.stringify(pending.rmEndpoint) : null,
        pending?.expiresAt ?? null,
        pending?.s2Version ?? null,
      ],
    );
    const node = row?.node ? cemNodeWithTenantOf({ ...row.node, createdAt: new Date(row.node.createdAt) }) : null;
    if (row?.id === undefined || row.id === null) return { node, pendingStored: false };
    const pairing = { id: row.id, tenantId: row.tenantId!, cemNodeId: row.cemNodeId!, rmNodeId: row.rmNodeId! };
    const tenant = policyOf({ tenantStatus: row.tenantStatus!, maxSessions: row.maxSessions ?? null });
    return { holder: { pairing, tenant }, node, pendingStored: row.pendingStored === true };
  }

  /**
   * S2 Connect's NoLongerPaired: this token belonged to a pairing of these two nodes that was unpaired,
   * and the nodes are not paired now. Paired again, the nodes have a token; an old one is just not it.
   */
  async noLongerPaired(tokenHash: string, rmNodeId: string, cemNodeId: string): Promise<boolean> {
    const [tombstone, current] = await Promise.all([
      this.prisma.unpairedPairing.findFirst({
        where: { rmNodeId, cemNodeId, accessTokenHashes: { has: tokenHash } },
        select: { id: true },
      }),
      this.prisma.pairing.findFirst({ where: { rmNodeId, cemNodeId }, select: { id: true } }),
    ]);
    return tombstone !== null && current === null;
  }

  /**
   * Tombstones for every pairing of a tenant that is being deleted, inside the caller's transaction
   * (before the cascade takes the pairings and their tokens). Answers their RMs.
   */
  async buryAllOfTenant(tx: Tx, tenantId: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ rmNodeId: string }[]>`
      INSERT INTO unpaired_pairings (id, tenant_id, cem_node_id, rm_node_id, access_token_hashes, reason)
      SELECT gen_random_uuid(), p.tenant_id, p.cem_node_id, p.rm_node_id,
        COALESCE(array_agg(t.token_hash) FILTER (WHERE t.token_hash IS NOT NULL), '{}'), 'tenant-deleted'
      FROM pairings p LEFT JOIN access_tokens t ON t.pairing_id = p.id
      WHERE p.tenant_id = ${tenantId}::uuid
      GROUP BY p.id
      RETURNING rm_node_id AS "rmNodeId"`;
    return rows.map((row) => row.rmNodeId);
  }

  /**
   * A pending token, valid until `expiresAt`; expired pending tokens of the pairing are dropped. The
   * descriptions the RM sent with it, if any, replace the stored ones: they say what the device is now.
   * One statement (one round trip, atomic without a transaction): it runs on every session start.
   */
  async addPendingToken(input: PendingToken & { pairing: PairingRecord }): Promise<void> {
    const node = input.rmNode ? JSON.stringify(input.rmNode) : null;
    const endpoint = input.rmEndpoint ? JSON.stringify(input.rmEndpoint) : null;
    await this.prisma.prepared(
      'add-pending-token',
      `WITH dropped AS (
         DELETE FROM access_tokens
         WHERE pairing_id = $1::uuid AND state = 'PENDING' AND expires_at <= $2::timestamptz
       ), described AS (
         UPDATE pairings
         SET rm_node_description = COALESCE($3::jsonb, rm_node_description),
             rm_endpoint_description = COALESCE($4::jsonb, rm_endpoint_description)
         WHERE id = $1::uuid AND ($3::jsonb IS NOT NULL OR $4::jsonb IS NOT NULL)
       )
       INSERT INTO access_tokens (id, tenant_id, pairing_id, token_hash, state, expires_at, s2_version)
       VALUES (gen_random_uuid(), $5::uuid, $1::uuid, $6, 'PENDING', $7::timestamptz, $8)`,
      [
        input.pairing.id,
        input.now,
        node,
        endpoint,
        input.pairing.tenantId,
        input.tokenHash,
        input.expiresAt,
        input.s2Version,
      ],
    );
  }

  /**
   * Makes a pending token the pairing's only token, in one statement: the old active token stops
   * working at the same moment. undefined when the token is not pending or has expired.
   * The pairing's row lock orders it against a concurrent confirm (whose token it drops, so that the
   * later one finds nothing pending), unpairing and re-pairing (which delete the row).
   */
  async confirmPendingToken(
    tokenHash: string,
    now: Date,
  ): Promise<{ pairing: PairingRecord; s2Version: string } | undefined> {
    const [row] = await this.prisma.prepared<PairingRecord & { s2Version: string }>(
      'confirm-pending-token',
      `WITH token AS (
         SELECT t.id FROM access_tokens t JOIN pairings p ON p.id = t.pairing_id
         WHERE t.token_hash = $1 AND t.state = 'PENDING' AND t.expires_at > $2::timestamptz
           AND t.s2_version IS NOT NULL
         FOR UPDATE OF p
       ), confirmed AS (
         UPDATE access_tokens a SET state = 'ACTIVE', expires_at = NULL
         FROM token WHERE a.id = token.id AND a.state = 'PENDING'
         RETURNING a.id, a.pairing_id, a.s2_version
       ), dropped AS (
         DELETE FROM access_tokens d USING confirmed c WHERE d.pairing_id = c.pairing_id AND d.id <> c.id
       )
       SELECT p.id, p.tenant_id AS "tenantId", p.cem_node_id AS "cemNodeId", p.rm_node_id AS "rmNodeId",
              c.s2_version AS "s2Version"
       FROM confirmed c JOIN pairings p ON p.id = c.pairing_id`,
      [tokenHash, now],
    );
    if (!row) return undefined;
    const { s2Version, ...pairing } = row;
    return { pairing, s2Version };
  }

  /** What the CEM channel shows of the RM when its session opens. */
  async descriptions(
    pairingId: string,
  ): Promise<{ rmNodeDescription: unknown; rmEndpointDescription: unknown } | undefined> {
    if (!isUuid(pairingId)) return undefined;
    const [row] = await this.prisma.prepared<{ rmNodeDescription: unknown; rmEndpointDescription: unknown }>(
      'pairing-descriptions',
      `SELECT rm_node_description AS "rmNodeDescription", rm_endpoint_description AS "rmEndpointDescription"
       FROM pairings WHERE id = $1::uuid`,
      [pairingId],
    );
    return row;
  }

  /**
   * Whether the pairing still exists. A re-pairing makes a new pairing (a new id), and unpairing, the
   * deletion of its CEM node or of its tenant removes it, so a grant naming a pairing that is gone is dead.
   */
  async isLive(pairingId: string): Promise<boolean> {
    if (!isUuid(pairingId)) return false;
    const rows = await this.prisma.prepared('pairing-is-live', 'SELECT 1 FROM pairings WHERE id = $1::uuid', [
      pairingId,
    ]);
    return rows.length > 0;
  }

  /**
   * `isLive`, the tenant's session policy (its message history policy with it) and the RM's descriptions
   * in one statement, for the RM's upgrade: undefined when the pairing is gone (its tenant's deletion
   * takes it along). The descriptions come as the JSON text `session.opened` carries, so that the CEM
   * channel's replica need not ask again.
   */
  async livePolicy(pairingId: string): Promise<{ policy: SessionPolicy; descriptions: string } | undefined> {
    if (!isUuid(pairingId)) return undefined;
    const [row] = await this.prisma.prepared<TenantPolicyColumns & HistoryColumns & { descriptions: string }>(
      'pairing-live-policy-descriptions',
      `SELECT n.status AS "tenantStatus", n.max_sessions AS "maxSessions",
              n.history_max_messages AS "historyMaxMessages", n.history_max_age_seconds AS "historyMaxAgeSeconds",
              json_build_object('rmNodeDescription', p.rm_node_description,
                                'rmEndpointDescription', p.rm_endpoint_description)::text AS descriptions
       FROM pairings p JOIN tenants n ON n.id = p.tenant_id WHERE p.id = $1::uuid`,
      [pairingId],
    );
    return row === undefined
      ? undefined
      : { policy: { ...policyOf(row), history: historyPolicyOf(row) }, descriptions: row.descriptions };
  }

  /** The tenant's pairing of an RM, if the RM is paired with one of the tenant's CEM nodes. */
  async findInTenant(tenantId: string, rmNodeId: string): Promise<PairingRecord | undefined> {
    const row = await this.prisma.pairing.findFirst({ where: { tenantId, rmNodeId }, select: PAIRING_FIELDS });
    return row ?? undefined;
  }

  /**
   * Removes a pairing and every token of it, leaving a tombstone; undefined if it was already gone.
   * `audit` is written in the same transaction, when a tenant's caller unpaired.
   */
  async unpair(pairing: PairingRecord, reason: RemovalReason, audit?: AuditEntry): Promise<RemovedPairing | undefined> {
    return this.prisma.$transaction(async (tx) => {
      await this.lockRm(tx, pairing.rmNodeId);
      const current = await tx.pairing.findUnique({ where: { id: pairing.id }, select: PAIRING_FIELDS });
      if (!current) return undefined;
      await this.removeInTx(tx, current.id, reason);
      if (audit) await tx.auditEvent.create({ data: auditRow(audit), select: { id: true } });
      return { ...current, reason };
    });
  }

  /**
   * Unpairs every RM of a CEM node, as `unpair` does each, inside the caller's transaction (which then
   * deletes the node). The RMs are locked before the node (`lockNode`: false when it is not the
   * tenant's), in the order completePairing takes them, so that a pairing finishing at that moment
   * waits rather than deadlocks.
   */
  async unpairAllOfNode(
    tx: Tx,
    tenantId: string,
    cemNodeId: string,
    reason: RemovalReason,
    lockNode: () => Promise<boolean>,
  ): Promise<RemovedPairing[] | undefined> {
    const locked = new Set<string>();
    const lockPaired = async () => {
      const pairings = await tx.pairing.findMany({
        where: { tenantId, cemNodeId },
        select: PAIRING_FIELDS,
        orderBy: { rmNodeId: 'asc' },
      });
      for (const pairing of pairings) {
        if (locked.has(pairing.rmNodeId)) continue;
        await this.lockRm(tx, pairing.rmNodeId);
        locked.add(pairing.rmNodeId);
      }
      return pairings;
    };
    await lockPaired();
    if (!(await lockNode())) return undefined;
    // Again under the node's lock: a pairing may have been added or removed in between.
    const pairings = await lockPaired();
    for (const pairing of pairings) await this.removeInTx(tx, pairing.id, reason);
    return pairings.map((pairing) => ({ ...pairing, reason }));
  }

  private async lockRm(tx: Tx, rmNodeId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${rmNodeId}, 0))`;
  }

  private async removeInTx(tx: Tx, pairingId: string, reason: RemovalReason): Promise<void> {
    const pairing = await tx.pairing.findUniqueOrThrow({
      where: { id: pairingId },
      select: { ...PAIRING_FIELDS, accessTokens: { select: { tokenHash: true } } },
    });
    await tx.unpairedPairing.create({
      data: {
        tenantId: pairing.tenantId,
        cemNodeId: pairing.cemNodeId,
        rmNodeId: pairing.rmNodeId,
        accessTokenHashes: pairing.accessTokens.map((t) => t.tokenHash),
        reason,
      },
    });
    await tx.pairing.delete({ where: { id: pairingId } });
  }
}
