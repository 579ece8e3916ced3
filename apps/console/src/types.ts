// The shapes of the broker's answers that the console reads (see the OpenAPI document at /api/docs).

export type Role = 'admin' | 'viewer' | 'operator';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  tenantId: string | null;
}

export interface SessionBody {
  user: User;
  csrfToken: string;
}

export interface CemNode {
  id: string;
  nodeIdAlias: string;
  brand: string;
  type: string;
  modelName: string;
  userDefinedName: string | null;
  logoUrl: string | null;
  externalRef: string | null;
  createdAt: string;
}

export interface PairingCode {
  pairingUrl: string;
  pairingCode: string;
  nodeIdAlias: string;
  expiresAt: string;
}

export interface Pairing {
  cemNodeId: string;
  rmNodeId: string;
  rmNodeDescription: Record<string, unknown>;
  rmEndpointDescription: Record<string, unknown>;
  pairedAt: string;
  connected: boolean;
}

export interface Session {
  sessionId: string;
  rmNodeId: string;
  cemNodeId: string;
  s2Version: string;
  controlType: string;
  connectedAt: string;
  gateway: string;
}

export interface Rm {
  pairing: Pairing;
  session: Session | null;
  snapshot: unknown[];
}

export type Verdict = 'delivered' | 'rejected' | 'temporary_error';

export interface InspectedMessage {
  at: number;
  direction: 'rm_to_cem' | 'cem_to_rm';
  rmNodeId: string;
  sessionId: string;
  verdict: Verdict;
  message: unknown;
  reply?: unknown;
}

export interface Webhook {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DeadLetter {
  deliveryId: string;
  type: string;
  event: unknown;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deadAt: string;
}

export interface ServiceAccount {
  id: string;
  name: string;
  clientId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEvent {
  id: string;
  tenantId: string | null;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface HistorySettings {
  enabled: boolean;
  maxMessages?: number;
  maxAgeSeconds?: number;
}

export const WEBHOOK_EVENT_TYPES = ['pairing.created', 'pairing.removed', 'session.opened', 'session.closed'];
export type { Page } from './api';
