import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { type Config, LOG_LEVELS, ROLES, type Role, type TlsFiles } from './config.js';
import { ConfigError, type ConfigIssue } from './config.error.js';
import { redisTargetFromEnv } from './redis-target.js';
import { secretKeysFromEnv } from './secret-keys.js';
import { sha256Fingerprint } from '#s2-connect';
import { isBearerTokenValue } from '#security';

export type Environment = Readonly<Record<string, string | undefined>>;

/** What `loadConfig` asks of the machine; tests replace it. */
export interface ConfigHost {
  hostname(): string;
  isFile(path: string): boolean;
  /** The file's contents, or undefined when it cannot be read. */
  readFile(path: string): Buffer | undefined;
}

const nodeHost: ConfigHost = {
  hostname,
  isFile(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  readFile(path) {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
};

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/s2_broker';
export const DEFAULT_DATABASE_POOL_SIZE = 10;
export const DEFAULT_DATABASE_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_DATABASE_IDLE_TIMEOUT_MS = 10_000;
export const DEFAULT_DATABASE_STATEMENT_TIMEOUT_MS = 30_000;
/** Label values a per-tenant metric may have at most (each tenant named, and `other`). */
export const MAX_METRICS_TENANTS = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DEFAULT_PUBLIC_URL = 'http://localhost:8080';
export const DEFAULT_PORT = 8080;
export const DEFAULT_INTERNAL_PORT = 8081;
export const MIN_SECRET_LENGTH = 32;
export const DEFAULT_JWT_TTL_SECONDS = 900;
export const DEFAULT_DRAIN_RATE = 500;
export const DEFAULT_INSPECTOR_STREAMS_PER_TENANT = 10;
export const DEFAULT_PAIRING_CODE_TTL_SECONDS = 300;
export const DEFAULT_PAIRING_TOKEN_LENGTH = 10;
export const DEFAULT_WS_PING_INTERVAL_SECONDS = 30;
export const DEFAULT_WS_IDLE_TIMEOUT_SECONDS = 75;
export const DEFAULT_PAIRING_CLIENT_TIMEOUT_SECONDS = 10;
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 10;
export const DEFAULT_WEBHOOK_BACKOFF_BASE_MS = 10_000;
export const DEFAULT_WEBHOOK_BACKOFF_MAX_MS = 3_600_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_CEM_HOLD_SECONDS = 10;
export const DEFAULT_CEM_HOLD_MAX_MESSAGES_PER_SESSION = 100;
export const DEFAULT_CEM_HOLD_MAX_BYTES_PER_SESSION = 256 * 1024;
export const DEFAULT_CEM_HOLD_MAX_MESSAGES = 100_000;
export const DEFAULT_CEM_HOLD_MAX_BYTES = 32 * 1024 * 1024;
// Generous for people and devices, hopeless for guessing: a 10-character code or a 32-byte secret.
export const DEFAULT_RATE_LIMIT_AUTH_FAILURES_PER_CLIENT = 10;
export const DEFAULT_RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS = 50;
export const DEFAULT_RATE_LIMIT_PAIRING_PER_ADDRESS = 600;
export const DEFAULT_RATE_LIMIT_PAIRING_FAILURES_PER_NODE = 20;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function hasProtocol(protocols: readonly string[]) {
  return (value: string): boolean => {
    const url = parseUrl(value);
    return url !== null && protocols.includes(url.protocol);
  };
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The broker hands PUBLIC_URL's pairing, session and WebSocket URLs to devices, with access tokens
 * behind them: over plain http:// only where nothing leaves the machine.
 */
function isSecureEnough(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
}

function isPublicUrl(value: string): boolean {
  const url = parseUrl(value);
  return (
    url !== null &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.search === '' &&
    url.hash === ''
  );
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

const ROLE_LIST = ROLES.join(', ');

// Every message is written without the offending value: URLs and tokens may hold credentials.
const secret = z
  .string({ error: 'is required' })
  .min(MIN_SECRET_LENGTH, { error: `must be at least ${MIN_SECRET_LENGTH} characters` });

/** A decimal integer in [min, max]; the message states the range, never the value. */
function integerIn(min: number, max: number, fallback: number) {
  return z
    .string()
    .refine((value) => /^\d{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max, {
      error: `must be an integer from ${min} to ${max}`,
    })
    .transform(Number)
    .default(fallback);
}

/** A TCP port; 0 lets the system choose one. */
function port(fallback: number) {
  return z
    .string()
    .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65535, {
      error: 'must be an integer from 0 to 65535',
    })
    .transform(Number)
    .default(fallback);
}

const schema = z.object({
  DATABASE_URL: z
    .string()
    .refine(hasProtocol(['postgresql:', 'postgres:']), { error: 'must be a postgresql:// URL' })
    .default(DEFAULT_DATABASE_URL),
  // node-postgres's default; a session-start storm on the api role may wait on the pool rather than on CPU.
  DATABASE_POOL_SIZE: integerIn(1, 500, DEFAULT_DATABASE_POOL_SIZE),
  // Without it a query to an unreachable host waits for the kernel's TCP timeout, minutes.
  DATABASE_CONNECT_TIMEOUT_MS: integerIn(100, 120_000, DEFAULT_DATABASE_CONNECT_TIMEOUT_MS),
  DATABASE_IDLE_TIMEOUT_MS: integerIn(1_000, 3_600_000, DEFAULT_DATABASE_IDLE_TIMEOUT_MS),
  // Twice the longest transaction the broker allows itself (15 s): a statement past it is stuck.
  DATABASE_STATEMENT_TIMEOUT_MS: integerIn(0, 3_600_000, DEFAULT_DATABASE_STATEMENT_TIMEOUT_MS),
  METRICS_TENANTS: z
    .string()
    .transform((value, ctx): string[] => {
      const ids = value === '' ? [] : value.split(',').map((id) => id.trim().toLowerCase());
      if (ids.some((id) => !UUID.test(id))) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of tenant ids (UUIDs)' });
        return z.NEVER;
      }
      if (new Set(ids).size > MAX_METRICS_TENANTS) {
        ctx.addIssue({ code: 'custom', message: `must name at most ${MAX_METRICS_TENANTS} tenants` });
        return z.NEVER;
      }
      return [...new Set(ids)];
    })
    .default([]),
  PUBLIC_URL: z
    .string()
    .refine(isPublicUrl, { error: 'must be an http:// or https:// URL without credentials, query or fragment' })
    .default(DEFAULT_PUBLIC_URL),
  PORT: port(DEFAULT_PORT),
  INTERNAL_PORT: port(DEFAULT_INTERNAL_PORT),
  ROLES: z
    .string()
    .transform((value, ctx): Role[] => {
      const names = value.split(',').map((name) => name.trim());
      if (names.some((name) => name === '')) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of ${ROLE_LIST} without empty items` });
        return z.NEVER;
      }
      const unknown = names.filter((name) => !isRole(name));
      if (unknown.length > 0) {
        // Role names are not secret; JSON quoting keeps a stray newline from splitting the line.
        const shown = unknown.map((name) => JSON.stringify(name.slice(0, 40))).join(', ');
        ctx.addIssue({ code: 'custom', message: `has unknown role ${shown} (allowed: ${ROLE_LIST})` });
        return z.NEVER;
      }
      return ROLES.filter((role) => names.includes(role));
    })
    .default([...ROLES]),
  // Sent as a bearer token, so it must be one (RFC 6750's b64token): anything else could never match.
  OPERATOR_TOKEN: secret.refine(isBearerTokenValue, {
    error: 'must consist of letters, digits and - . _ ~ + / (then = only at the end)',
  }),
  JWT_SECRET: secret,
  JWT_TTL_SECONDS: integerIn(60, 86_400, DEFAULT_JWT_TTL_SECONDS),
  DRAIN_RATE: integerIn(1, 100_000, DEFAULT_DRAIN_RATE),
  INSPECTOR_STREAMS_PER_TENANT: integerIn(1, 1_000, DEFAULT_INSPECTOR_STREAMS_PER_TENANT),
  PAIRING_CODE_TTL_SECONDS: integerIn(30, 86_400, DEFAULT_PAIRING_CODE_TTL_SECONDS),
  // 6 is S2 Connect's minimum for static tokens (dynamic ones need 4), so one length serves both kinds.
  PAIRING_TOKEN_LENGTH: integerIn(6, 64, DEFAULT_PAIRING_TOKEN_LENGTH),
  // S2 Connect: a peer must not wait more than 60 s between two pings.
  WS_PING_INTERVAL_SECONDS: integerIn(1, 60, DEFAULT_WS_PING_INTERVAL_SECONDS),
  WS_IDLE_TIMEOUT_SECONDS: integerIn(2, 7_200, DEFAULT_WS_IDLE_TIMEOUT_SECONDS),
  // At most the 15 s a whole pairing attempt may take.
  PAIRING_CLIENT_TIMEOUT_SECONDS: integerIn(1, 15, DEFAULT_PAIRING_CLIENT_TIMEOUT_SECONDS),
  PUBLIC_URL_ALLOW_HTTP: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .default(false),
  PAIRING_CLIENT_ALLOW_HTTP: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .default(false),
  WEBHOOK_MAX_ATTEMPTS: integerIn(1, 100, DEFAULT_WEBHOOK_MAX_ATTEMPTS),
  WEBHOOK_BACKOFF_BASE_MS: integerIn(10, 3_600_000, DEFAULT_WEBHOOK_BACKOFF_BASE_MS),
  WEBHOOK_BACKOFF_MAX_MS: integerIn(10, 86_400_000, DEFAULT_WEBHOOK_BACKOFF_MAX_MS),
  WEBHOOK_TIMEOUT_MS: integerIn(100, 60_000, DEFAULT_WEBHOOK_TIMEOUT_MS),
  WEBHOOK_ALLOW_HTTP: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .default(false),
  CEM_HOLD_SECONDS: integerIn(0, 120, DEFAULT_CEM_HOLD_SECONDS),
  CEM_HOLD_MAX_MESSAGES_PER_SESSION: integerIn(1, 100_000, DEFAULT_CEM_HOLD_MAX_MESSAGES_PER_SESSION),
  CEM_HOLD_MAX_BYTES_PER_SESSION: integerIn(1_024, 64 * 1024 * 1024, DEFAULT_CEM_HOLD_MAX_BYTES_PER_SESSION),
  CEM_HOLD_MAX_MESSAGES: integerIn(1, 10_000_000, DEFAULT_CEM_HOLD_MAX_MESSAGES),
  CEM_HOLD_MAX_BYTES: integerIn(1_024, 999_999_999, DEFAULT_CEM_HOLD_MAX_BYTES),
  RATE_LIMIT_AUTH_FAILURES_PER_CLIENT: integerIn(0, 1_000_000, DEFAULT_RATE_LIMIT_AUTH_FAILURES_PER_CLIENT),
  RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: integerIn(0, 1_000_000, DEFAULT_RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS),
  RATE_LIMIT_PAIRING_PER_ADDRESS: integerIn(0, 1_000_000, DEFAULT_RATE_LIMIT_PAIRING_PER_ADDRESS),
  RATE_LIMIT_PAIRING_FAILURES_PER_NODE: integerIn(0, 1_000_000, DEFAULT_RATE_LIMIT_PAIRING_FAILURES_PER_NODE),
  TRUSTED_PROXY_HOPS: integerIn(0, 10, 0),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  INSTANCE_ID: z
    .string()
    // It becomes part of Redis connection names, which allow no spaces.
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'must be 1 to 128 letters, digits, ".", "_", ":" or "-"' })
    .optional(),
});

function tlsFiles(env: Environment, host: ConfigHost, issues: ConfigIssue[]): TlsFiles | null {
  const certFile = env.TLS_CERT_FILE;
  const keyFile = env.TLS_KEY_FILE;
  if (certFile === undefined && keyFile === undefined) {
    return null;
  }
  if (certFile === undefined || keyFile === undefined) {
    const missing = certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE';
    const given = certFile === undefined ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE';
    issues.push({ variable: missing, problem: `is required when ${given} is set` });
    return null;
  }
  for (const [variable, path] of [
    ['TLS_CERT_FILE', certFile],
    ['TLS_KEY_FILE', keyFile],
  ] as const) {
    if (!host.isFile(path)) {
      issues.push({ variable, problem: 'must name an existing file' });
    }
  }
  return { certFile, keyFile };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/g;

/** The fingerprint of the one CA certificate in TLS_CA_CERT_FILE (PEM). */
function caCertificateFingerprint(env: Environment, host: ConfigHost, issues: ConfigIssue[]): string | null {
  const path = env.TLS_CA_CERT_FILE;
  if (path === undefined) return null;
  const variable = 'TLS_CA_CERT_FILE';
  const pem = host.isFile(path) ? host.readFile(path) : undefined;
  if (pem === undefined) {
    issues.push({ variable, problem: 'must name an existing, readable file' });
    return null;
  }
  // One certificate: with a chain it would be a guess which one the RM is to pin.
  if ((pem.toString('latin1').match(PEM_CERTIFICATE) ?? []).length !== 1) {
    issues.push({ variable, problem: 'must hold exactly one PEM certificate (the CA certificate)' });
    return null;
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    issues.push({ variable, problem: 'is not a PEM certificate' });
    return null;
  }
  if (!certificate.ca) {
    issues.push({ variable, problem: 'must be a CA certificate (basicConstraints CA:TRUE)' });
    return null;
  }
  return sha256Fingerprint(certificate.raw);
}

/**
 * Reads and validates the broker's configuration. Throws a `ConfigError` naming every bad variable,
 * so that a misconfigured process stops before it opens any connection.
 */
export function loadConfig(env: Environment, host: ConfigHost = nodeHost): Config {
  const parsed = schema.safeParse(env);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        problem: issue.message,
      }));
  const tls = tlsFiles(env, host, issues);
  const redis = redisTargetFromEnv(env, issues);
  if (parsed.success && parsed.data.WS_IDLE_TIMEOUT_SECONDS <= parsed.data.WS_PING_INTERVAL_SECONDS) {
    // A peer is answering pings only if it has had one to answer before it counts as silent.
    issues.push({ variable: 'WS_IDLE_TIMEOUT_SECONDS', problem: 'must be greater than WS_PING_INTERVAL_SECONDS' });
  }
  if (parsed.success && parsed.data.INTERNAL_PORT !== 0 && parsed.data.INTERNAL_PORT === parsed.data.PORT) {
    // One port cannot be two surfaces: the internal paths would be public again.
    issues.push({ variable: 'INTERNAL_PORT', problem: 'must differ from PORT' });
  }
  if (parsed.success && !parsed.data.PUBLIC_URL_ALLOW_HTTP && !isSecureEnough(parsed.data.PUBLIC_URL)) {
    issues.push({
      variable: 'PUBLIC_URL',
      problem:
        'must be https:// (devices are given its URLs): http:// only with a loopback host (localhost, 127.0.0.1, ::1) or PUBLIC_URL_ALLOW_HTTP=true',
    });
  }
  const caFingerprint = caCertificateFingerprint(env, host, issues);
  const secretsKeys = secretKeysFromEnv(env);
  if (!Array.isArray(secretsKeys)) issues.push(secretsKeys);
  if (!parsed.success || issues.length > 0 || !Array.isArray(secretsKeys) || redis === null) {
    throw new ConfigError(issues);
  }
  const values = parsed.data;
  const publicUrl = new URL(values.PUBLIC_URL);
  return {
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    databaseConnectTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
    databaseIdleTimeoutMs: values.DATABASE_IDLE_TIMEOUT_MS,
    databaseStatementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
    metricsTenants: values.METRICS_TENANTS,
    redis,
    publicUrl: `${publicUrl.origin}${publicUrl.pathname.replace(/\/+$/, '')}`,
    hmacDomain: publicUrl.hostname,
    port: values.PORT,
    internalPort: values.INTERNAL_PORT,
    roles: values.ROLES,
    operatorToken: values.OPERATOR_TOKEN,
    jwtSecret: values.JWT_SECRET,
    secretsKeys,
    jwtTtlSeconds: values.JWT_TTL_SECONDS,
    drainRate: values.DRAIN_RATE,
    inspectorStreamsPerTenant: values.INSPECTOR_STREAMS_PER_TENANT,
    pairingCodeTtlSeconds: values.PAIRING_CODE_TTL_SECONDS,
    pairingTokenLength: values.PAIRING_TOKEN_LENGTH,
    wsPingIntervalMs: values.WS_PING_INTERVAL_SECONDS * 1_000,
    wsIdleTimeoutMs: values.WS_IDLE_TIMEOUT_SECONDS * 1_000,
    logLevel: values.LOG_LEVEL,
    instanceId: values.INSTANCE_ID ?? host.hostname(),
    tls,
    pairingClient: {
      caCertificateFingerprint: caFingerprint,
      allowHttp: values.PAIRING_CLIENT_ALLOW_HTTP,
      timeoutMs: values.PAIRING_CLIENT_TIMEOUT_SECONDS * 1000,
    },
    webhooks: {
      maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
      backoffBaseMs: values.WEBHOOK_BACKOFF_BASE_MS,
      backoffMaxMs: Math.max(values.WEBHOOK_BACKOFF_MAX_MS, values.WEBHOOK_BACKOFF_BASE_MS),
      timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      allowHttp: values.WEBHOOK_ALLOW_HTTP,
    },
    cemHold: {
      ms: values.CEM_HOLD_SECONDS * 1_000,
      maxMessagesPerSession: values.CEM_HOLD_MAX_MESSAGES_PER_SESSION,
      maxBytesPerSession: values.CEM_HOLD_MAX_BYTES_PER_SESSION,
      maxMessages: values.CEM_HOLD_MAX_MESSAGES,
      maxBytes: values.CEM_HOLD_MAX_BYTES,
    },
    rateLimits: {
      authFailuresPerClient: values.RATE_LIMIT_AUTH_FAILURES_PER_CLIENT,
      authFailuresPerAddress: values.RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS,
      pairingRequestsPerAddress: values.RATE_LIMIT_PAIRING_PER_ADDRESS,
      pairingFailuresPerNode: values.RATE_LIMIT_PAIRING_FAILURES_PER_NODE,
      trustedProxyHops: values.TRUSTED_PROXY_HOPS,
    },
  };
}
