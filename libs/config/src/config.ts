import type { RedisTarget } from './redis-target.js';
import type { SecretKey } from './secret-keys.js';

export const ROLES = ['gateway', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** The broker as S2 Connect pairing client of RM endpoints (`POST /api/v1/cem-nodes/{id}/pairings`). */
export interface PairingClientConfig {
  /**
   * SHA-256 fingerprint (`AB:CD:...`) of the CA certificate that signs this broker's TLS certificate,
   * sent as `certificateFingerprint` so the RM can pin it; null when TLS_CA_CERT_FILE is not set, and
   * then the broker cannot pair as client.
   */
  caCertificateFingerprint: string | null;
  /** Whether a pairing URL may be plain http (tests, development); S2 Connect itself is https only. */
  allowHttp: boolean;
  /** Deadline of each request to the RM endpoint. */
  timeoutMs: number;
}

/** The broker's validated environment. Everything else reads this, never process.env. */
export interface Config {
  databaseUrl: string;
  /** Connections this process opens to PostgreSQL at most. */
  databasePoolSize: number;
  redis: RedisTarget;
  /** External base URL without a trailing slash. */
  publicUrl: string;
  /** Host name of PUBLIC_URL without port: the S2 Connect HMAC domain name `D`. */
  hmacDomain: string;
  /** Serves what devices, tenants and their people call. */
  port: number;
  /** Serves /metrics, /health/* and /admin/v1, which the public port answers 404. */
  internalPort: number;
  roles: readonly Role[];
  operatorToken: string;
  jwtSecret: string;
  /** Encrypt the secrets stored for reading back; the first encrypts, all decrypt. Never log them. */
  secretsKeys: readonly SecretKey[];
  /** Lifetime of the tenants' JWTs. */
  jwtTtlSeconds: number;
  /** RM sessions closed per second on SIGTERM. */
  drainRate: number;
  /** Live message inspector streams a tenant may hold open at once, over every API replica. */
  inspectorStreamsPerTenant: number;
  /** Default lifetime of a dynamic pairing code. */
  pairingCodeTtlSeconds: number;
  /** Characters in a generated pairing token, never below S2 Connect's minimum for static tokens. */
  pairingTokenLength: number;
  /** WebSocket ping interval and the silence after which a peer is dropped. */
  wsPingIntervalMs: number;
  wsIdleTimeoutMs: number;
  logLevel: LogLevel;
  instanceId: string;
  tls: TlsFiles | null;
  pairingClient: PairingClientConfig;
  webhooks: WebhookSettings;
  cemHold: CemHoldSettings;
  rateLimits: RateLimitSettings;
}

/**
 * Brute-force bounds, counted in Redis so that every replica shares them. A budget of 0 turns its
 * limit off. Each counts within a fixed window; once spent, the caller gets 429 until the window ends.
 */
export interface RateLimitSettings {
  /** Failed `POST /api/v1/auth/token` per client id, per minute. */
  authFailuresPerClient: number;
  /** Failed credentials (token exchange or operator token) per source address, per minute. */
  authFailuresPerAddress: number;
  /** S2 Connect pairing requests per source address, per minute. */
  pairingRequestsPerAddress: number;
  /** Pairing attempts of one CEM node that did not end in a pairing, per five minutes. */
  pairingFailuresPerNode: number;
  /**
   * Proxies in front of the broker whose `X-Forwarded-For` entries are believed (0: none, the socket's
   * peer is the client). An ingress controller is one.
   */
  trustedProxyHops: number;
}

/**
 * The CEM hold: an RM's messages wait, in order, while no CEM channel of its tenant can take them, for
 * up to `ms` (0: no hold), within the bounds per session and per replica; then TEMPORARY_ERROR.
 */
export interface CemHoldSettings {
  ms: number;
  maxMessagesPerSession: number;
  maxBytesPerSession: number;
  maxMessages: number;
  maxBytes: number;
}

/** How the worker delivers webhooks. */
export interface WebhookSettings {
  /** Tries of one delivery before it goes to the dead-letter list. */
  maxAttempts: number;
  /** Wait after the first failed try; doubled after each further one. */
  backoffBaseMs: number;
  /** Longest wait between two tries. */
  backoffMaxMs: number;
  /** A receiver that has not answered by then has failed this try. */
  timeoutMs: number;
  /** Whether endpoint URLs may be plain http:// to hosts other than loopback. */
  allowHttp: boolean;
}

/** Injection token of the `Config` object. */
export const CONFIG = Symbol('s2-broker:config');
