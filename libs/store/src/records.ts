// What the repositories hand out: plain objects, so that callers never depend on Prisma's types.
import type { HistoryPolicy } from '#inspection';

export type TenantStatus = 'active' | 'suspended';

/** What admitting a new RM session needs to know of its tenant. */
export interface SessionPolicy {
  readonly status: TenantStatus;
  readonly maxSessions: number | null;
  /** How much message history the tenant keeps per RM; absent or null: none. */
  readonly history?: HistoryPolicy | null;
}

export interface TenantRecord {
  id: string;
  name: string;
  logoUrl: string | null;
  status: TenantStatus;
  createdAt: Date;
}

/** What the pairing server shows of a CEM node's owner (`serverEndpointDescription`) and checks. */
export type TenantRef = Pick<TenantRecord, 'id' | 'name' | 'logoUrl' | 'status'>;

export interface ServiceAccountCredentials {
  id: string;
  tenantId: string;
  secretHash: string;
  revokedAt: Date | null;
  tenantStatus: TenantStatus;
}

export interface CemNodeRecord {
  /** The S2 node id. */
  id: string;
  tenantId: string;
  nodeIdAlias: string;
  brand: string;
  type: string;
  modelName: string;
  userDefinedName: string | null;
  logoUrl: string | null;
  externalRef: string | null;
  createdAt: Date;
}

export interface CemNodeWithTenant extends CemNodeRecord {
  tenant: TenantRef;
}

export interface ValidPairingToken {
  /** The pairing token itself: key material of the challenge-response. Never log it. */
  token: string;
  expiresAt: Date;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One row of the audit trail; it never holds a secret. */
export interface AuditEntry {
  tenantId: string | null;
  actorType: 'operator' | 'service_account' | 'user';
  actorId: string | null;
  /** A user's email, kept in `data` as `actorEmail`: who it was, even after the user is deleted. */
  actorEmail?: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: { [key: string]: JsonValue };
}

/** A tenant as the operator sees it, with its quotas (null: no limit). */
export interface TenantDetails extends TenantRecord {
  maxCemNodes: number | null;
  maxSessions: number | null;
}

/** A service account as its tenant sees it: never its secret or hash. */
export interface ServiceAccountRecord {
  id: string;
  tenantId: string;
  name: string;
  clientId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface AuditEventRecord extends Omit<AuditEntry, 'actorType' | 'actorEmail' | 'subjectType' | 'subjectId'> {
  /** A decimal string: the column is a bigint. */
  id: string;
  actorType: string;
  subjectType: string | null;
  subjectId: string | null;
  createdAt: Date;
}
