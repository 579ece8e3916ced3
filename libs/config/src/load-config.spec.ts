import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from './config.error.js';
import { type ConfigHost, type Environment, loadConfig } from './load-config.js';
import { redisTargetFromEnv } from './redis-target.js';

const OPERATOR_TOKEN = 'operator-token-0123456789abcdefghijklmnop';
const JWT_SECRET = 'jwt-secret-0123456789abcdefghijklmnopqrstu';
const KEY_A = Buffer.alloc(32, 'a');
const KEY_B = Buffer.alloc(32, 'b');
const SECRETS_KEYS = `a:${KEY_A.toString('base64')}`;
const required = { OPERATOR_TOKEN, JWT_SECRET, SECRETS_KEYS };

const CA_PEM = readFileSync(new URL('../../../test/support/tls/ca.pem', import.meta.url));
const LEAF_PEM = readFileSync(new URL('../../../test/support/tls/leaf.pem', import.meta.url));
// What `openssl x509 -noout -fingerprint -sha256 -in test/support/tls/ca.pem` prints.
const CA_FINGERPRINT =
  'D2:4D:69:2C:36:5F:73:D1:6E:FF:25:B9:07:0C:A1:60:6B:B3:8B:FD:D3:37:D4:0D:2D:59:AB:26:0B:CD:DB:84';

const FILES: Record<string, Buffer> = {
  '/exists/ca.pem': CA_PEM,
  '/exists/leaf.pem': LEAF_PEM,
  '/exists/chain.pem': Buffer.concat([LEAF_PEM, CA_PEM]),
  '/exists/junk.pem': Buffer.from('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n'),
};

const host: ConfigHost = {
  hostname: () => 'test-host',
  isFile: (path) => path.startsWith('/exists/'),
  readFile: (path) => FILES[path],
};

function load(env: Environment) {
  return loadConfig(env, host);
}

function errorOf(env: Environment): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(load(required)).toEqual({
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/s2_broker',
      databasePoolSize: 10,
      databaseConnectTimeoutMs: 5_000,
      databaseIdleTimeoutMs: 10_000,
      databaseStatementTimeoutMs: 30_000,
      metricsTenants: [],
      redis: { mode: 'standalone', url: 'redis://127.0.0.1:6379' },
      publicUrl: 'http://localhost:8080',
      hmacDomain: 'localhost',
      port: 8080,
      internalPort: 8081,
      roles: ['gateway', 'api', 'worker'],
      operatorToken: OPERATOR_TOKEN,
      jwtSecret: JWT_SECRET,
      secretsKeys: [{ id: 'a', key: KEY_A }],
      jwtTtlSeconds: 900,
      drainRate: 500,
      inspectorStreamsPerTenant: 10,
      pairingCodeTtlSeconds: 300,
      pairingTokenLength: 10,
      wsPingIntervalMs: 30_000,
      wsIdleTimeoutMs: 75_000,
      logLevel: 'info',
      instanceId: 'test-host',
      tls: null,
      pairingClient: { caCertificateFingerprint: null, allowHttp: false, timeoutMs: 10_000 },
      webhooks: {
        maxAttempts: 10,
        backoffBaseMs: 10_000,
        backoffMaxMs: 3_600_000,
        timeoutMs: 10_000,
        allowHttp: false,
      },
      cemHold: {
        ms: 10_000,
        maxMessagesPerSession: 100,
        maxBytesPerSession: 262_144,
        maxMessages: 100_000,
        maxBytes: 33_554_432,
      },
      rateLimits: {
        authFailuresPerClient: 10,
        authFailuresPerAddress: 50,
        pairingRequestsPerAddress: 600,
        pairingFailuresPerNode: 20,
        trustedProxyHops: 0,
      },
    });
  });

  it('reads the rate limits, 0 turning one off, and the proxies it may believe', () => {
    const config = load({
      ...required,
      RATE_LIMIT_AUTH_FAILURES_PER_CLIENT: '0',
      RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '7',
      RATE_LIMIT_PAIRING_PER_ADDRESS: '100',
      RATE_LIMIT_PAIRING_FAILURES_PER_NODE: '3',
      TRUSTED_PROXY_HOPS: '1',
    });
    expect(config.rateLimits).toEqual({
      authFailuresPerClient: 0,
      authFailuresPerAddress: 7,
      pairingRequestsPerAddress: 100,
      pairingFailuresPerNode: 3,
      trustedProxyHops: 1,
    });
    expect(() => load({ ...required, TRUSTED_PROXY_HOPS: '11' })).toThrow(
      'TRUSTED_PROXY_HOPS must be an integer from 0 to 10',
    );
  });

  it('reads the secrets keys in order, in either base64 alphabet, the first being the one that encrypts', () => {
    const config = load({
      ...required,
      SECRETS_KEYS: `new_2:${KEY_B.toString('base64url')} , old-1:${KEY_A.toString('base64')}`,
    });
    expect(config.secretsKeys).toEqual([
      { id: 'new_2', key: KEY_B },
      { id: 'old-1', key: KEY_A },
    ]);
  });

  it('takes one key from SECRETS_KEY, with the id default unless it names one', () => {
    expect(load({ ...required, SECRETS_KEYS: undefined, SECRETS_KEY: KEY_B.toString('base64') }).secretsKeys).toEqual([
      { id: 'default', key: KEY_B },
    ]);
    const named = load({ ...required, SECRETS_KEYS: undefined, SECRETS_KEY: `k1:${KEY_B.toString('base64')}` });
    expect(named.secretsKeys).toEqual([{ id: 'k1', key: KEY_B }]);
  });

  it('reads the CEM hold, and 0 seconds turns it off', () => {
    const config = load({
      ...required,
      CEM_HOLD_SECONDS: '0',
      CEM_HOLD_MAX_MESSAGES_PER_SESSION: '5',
      CEM_HOLD_MAX_BYTES_PER_SESSION: '2048',
      CEM_HOLD_MAX_MESSAGES: '50',
      CEM_HOLD_MAX_BYTES: '4096',
    });
    expect(config.cemHold).toEqual({
      ms: 0,
      maxMessagesPerSession: 5,
      maxBytesPerSession: 2048,
      maxMessages: 50,
      maxBytes: 4096,
    });
    expect(() => load({ ...required, CEM_HOLD_SECONDS: '121' })).toThrow(
      'CEM_HOLD_SECONDS must be an integer from 0 to 120',
    );
  });

  it('reads the pairing client settings and fingerprints the CA certificate', () => {
    const config = load({
      ...required,
      TLS_CA_CERT_FILE: '/exists/ca.pem',
      PAIRING_CLIENT_ALLOW_HTTP: 'true',
      PAIRING_CLIENT_TIMEOUT_SECONDS: '2',
    });
    expect(config.pairingClient).toEqual({
      caCertificateFingerprint: CA_FINGERPRINT,
      allowHttp: true,
      timeoutMs: 2000,
    });
  });

  it.each([
    [{ PUBLIC_URL: 'http://localhost:8080' }, 'http://localhost:8080'],
    [{ PUBLIC_URL: 'http://127.0.0.1:8080/' }, 'http://127.0.0.1:8080'],
    [{ PUBLIC_URL: 'http://[::1]:8080' }, 'http://[::1]:8080'],
    [{ PUBLIC_URL: 'http://s2.dev.internal', PUBLIC_URL_ALLOW_HTTP: 'true' }, 'http://s2.dev.internal'],
  ])('takes an http:// PUBLIC_URL on a loopback host or when allowed: %o', (env, publicUrl) => {
    expect(load({ ...required, ...env }).publicUrl).toBe(publicUrl);
  });

  it('takes a ping interval of 60 s, the most S2 Connect allows', () => {
    expect(load({ ...required, WS_PING_INTERVAL_SECONDS: '60', WS_IDLE_TIMEOUT_SECONDS: '90' }).wsPingIntervalMs).toBe(
      60_000,
    );
  });

  it('reads every variable', () => {
    const config = load({
      ...required,
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      REDIS_URL: 'rediss://cache:6380/1',
      PUBLIC_URL: 'https://S2.Example.com:8443/broker/',
      PORT: '0',
      INTERNAL_PORT: '9464',
      ROLES: ' worker , gateway,worker',
      LOG_LEVEL: 'debug',
      INSTANCE_ID: 'pod-7',
      TLS_CERT_FILE: '/exists/cert.pem',
      TLS_KEY_FILE: '/exists/key.pem',
      JWT_TTL_SECONDS: '60',
      PAIRING_CODE_TTL_SECONDS: '86400',
      PAIRING_TOKEN_LENGTH: '64',
      WS_PING_INTERVAL_SECONDS: '1',
      WS_IDLE_TIMEOUT_SECONDS: '3',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_BASE_MS: '50',
      WEBHOOK_BACKOFF_MAX_MS: '400',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_ALLOW_HTTP: 'true',
      DATABASE_CONNECT_TIMEOUT_MS: '2500',
      DATABASE_IDLE_TIMEOUT_MS: '60000',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      METRICS_TENANTS: '6F1C2E9A-0B7D-4C3E-9A1F-2D4B6C8E0A1B, 0b7d4c3e-9a1f-4d4b-8c8e-0a1b6f1c2e9a',
    });
    expect(config).toMatchObject({
      databaseConnectTimeoutMs: 2_500,
      databaseIdleTimeoutMs: 60_000,
      databaseStatementTimeoutMs: 0,
      metricsTenants: ['6f1c2e9a-0b7d-4c3e-9a1f-2d4b6c8e0a1b', '0b7d4c3e-9a1f-4d4b-8c8e-0a1b6f1c2e9a'],
      databaseUrl: 'postgres://u:p@db:5432/x',
      redis: { mode: 'standalone', url: 'rediss://cache:6380/1' },
      publicUrl: 'https://s2.example.com:8443/broker',
      hmacDomain: 's2.example.com',
      port: 0,
      internalPort: 9464,
      roles: ['gateway', 'worker'],
      logLevel: 'debug',
      instanceId: 'pod-7',
      tls: { certFile: '/exists/cert.pem', keyFile: '/exists/key.pem' },
      jwtTtlSeconds: 60,
      drainRate: 500,
      inspectorStreamsPerTenant: 10,
      pairingCodeTtlSeconds: 86400,
      pairingTokenLength: 64,
      wsPingIntervalMs: 1_000,
      wsIdleTimeoutMs: 3_000,
      webhooks: { maxAttempts: 3, backoffBaseMs: 50, backoffMaxMs: 400, timeoutMs: 1000, allowHttp: true },
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535'],
    [{ PORT: '65536' }, 'PORT must be an integer from 0 to 65535'],
    [{ PORT: '-1' }, 'PORT must be an integer from 0 to 65535'],
    [{ PORT: '80.5' }, 'PORT must be an integer from 0 to 65535'],
    [{ PORT: '' }, 'PORT must be an integer from 0 to 65535'],
    [{ INTERNAL_PORT: 'x' }, 'INTERNAL_PORT must be an integer from 0 to 65535'],
    [{ INTERNAL_PORT: '8080' }, 'INTERNAL_PORT must differ from PORT'],
    [{ PORT: '9000', INTERNAL_PORT: '9000' }, 'INTERNAL_PORT must differ from PORT'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL must be a postgresql:// URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a postgresql:// URL'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [{ PUBLIC_URL: 'ftp://example.com' }, 'PUBLIC_URL must be an http:// or https:// URL'],
    [{ PUBLIC_URL: 'example.com' }, 'PUBLIC_URL must be an http:// or https:// URL'],
    [{ PUBLIC_URL: 'https://example.com/?a=1' }, 'PUBLIC_URL must be an http:// or https:// URL'],
    [{ ROLES: '' }, 'ROLES must be a comma-separated list of gateway, api, worker without empty items'],
    [{ ROLES: 'api,,worker' }, 'ROLES must be a comma-separated list'],
    [{ ROLES: 'api,cem' }, 'ROLES has unknown role "cem" (allowed: gateway, api, worker)'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ INSTANCE_ID: 'has space' }, 'INSTANCE_ID must be 1 to 128 letters'],
    [{ INSTANCE_ID: '' }, 'INSTANCE_ID must be 1 to 128 letters'],
    [{ OPERATOR_TOKEN: undefined }, 'OPERATOR_TOKEN is required'],
    [{ OPERATOR_TOKEN: 'short' }, 'OPERATOR_TOKEN must be at least 32 characters'],
    [{ OPERATOR_TOKEN: `${'x'.repeat(32)} y` }, 'OPERATOR_TOKEN must consist of letters, digits'],
    [{ OPERATOR_TOKEN: `${'x'.repeat(32)};` }, 'OPERATOR_TOKEN must consist of letters, digits'],
    [{ JWT_SECRET: undefined }, 'JWT_SECRET is required'],
    [{ JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET must be at least 32 characters'],
    [{ SECRETS_KEYS: undefined }, 'SECRETS_KEY is required (or SECRETS_KEYS'],
    [{ SECRETS_KEY: KEY_A.toString('base64') }, 'SECRETS_KEY and SECRETS_KEYS are both set'],
    [{ SECRETS_KEYS: undefined, SECRETS_KEY: 'short' }, 'SECRETS_KEY entry 1 (key id default) must hold a base64 key'],
    [
      { SECRETS_KEYS: undefined, SECRETS_KEY: `a:${KEY_A.toString('base64')},b:${KEY_B.toString('base64')}` },
      'SECRETS_KEY holds one key; a list goes in SECRETS_KEYS',
    ],
    [{ SECRETS_KEYS: '' }, 'SECRETS_KEYS entry 1 must be id:base64key'],
    [{ SECRETS_KEYS: KEY_A.toString('base64') }, 'SECRETS_KEYS entry 1 must be id:base64key'],
    [{ SECRETS_KEYS: `a:${KEY_A.toString('base64')},` }, 'SECRETS_KEYS entry 2 must be id:base64key'],
    [{ SECRETS_KEYS: `a b:${KEY_A.toString('base64')}` }, 'SECRETS_KEYS entry 1 must be id:base64key'],
    [
      { SECRETS_KEYS: `a:${Buffer.alloc(16).toString('base64')}` },
      'SECRETS_KEYS entry 1 (key id a) must hold a base64 key of exactly 32 bytes',
    ],
    [{ SECRETS_KEYS: 'a:not*base64' }, 'SECRETS_KEYS entry 1 (key id a) must hold a base64 key of exactly 32 bytes'],
    [
      { SECRETS_KEYS: `a:${KEY_A.toString('base64')},a:${KEY_B.toString('base64')}` },
      'SECRETS_KEYS names key id a twice',
    ],
    [{ JWT_TTL_SECONDS: '59' }, 'JWT_TTL_SECONDS must be an integer from 60 to 86400'],
    [{ DRAIN_RATE: '0' }, 'DRAIN_RATE must be an integer from 1 to 100000'],
    [{ JWT_TTL_SECONDS: '86401' }, 'JWT_TTL_SECONDS must be an integer from 60 to 86400'],
    [{ JWT_TTL_SECONDS: '15m' }, 'JWT_TTL_SECONDS must be an integer from 60 to 86400'],
    [{ PAIRING_CODE_TTL_SECONDS: '29' }, 'PAIRING_CODE_TTL_SECONDS must be an integer from 30 to 86400'],
    [{ PAIRING_CODE_TTL_SECONDS: '300.5' }, 'PAIRING_CODE_TTL_SECONDS must be an integer from 30 to 86400'],
    [{ PAIRING_CODE_TTL_SECONDS: '' }, 'PAIRING_CODE_TTL_SECONDS must be an integer from 30 to 86400'],
    [{ PAIRING_TOKEN_LENGTH: '5' }, 'PAIRING_TOKEN_LENGTH must be an integer from 6 to 64'],
    [{ PAIRING_TOKEN_LENGTH: '65' }, 'PAIRING_TOKEN_LENGTH must be an integer from 6 to 64'],
    [{ PAIRING_TOKEN_LENGTH: '-8' }, 'PAIRING_TOKEN_LENGTH must be an integer from 6 to 64'],
    [{ WS_PING_INTERVAL_SECONDS: '0' }, 'WS_PING_INTERVAL_SECONDS must be an integer from 1 to 60'],
    [{ WS_PING_INTERVAL_SECONDS: '61' }, 'WS_PING_INTERVAL_SECONDS must be an integer from 1 to 60'],
    [{ WS_PING_INTERVAL_SECONDS: '3600' }, 'WS_PING_INTERVAL_SECONDS must be an integer from 1 to 60'],
    [{ PUBLIC_URL: 'http://s2.example.com' }, 'PUBLIC_URL must be https:// (devices are given its URLs)'],
    [{ PUBLIC_URL: 'http://10.0.0.5:8080' }, 'PUBLIC_URL must be https://'],
    [{ PUBLIC_URL: 'http://localhost.example.com' }, 'PUBLIC_URL must be https://'],
    [
      { PUBLIC_URL: 'http://s2.example.com', PUBLIC_URL_ALLOW_HTTP: 'yes' },
      'PUBLIC_URL_ALLOW_HTTP must be true or false',
    ],
    [{ WS_IDLE_TIMEOUT_SECONDS: '1' }, 'WS_IDLE_TIMEOUT_SECONDS must be an integer from 2 to 7200'],
    [{ WS_IDLE_TIMEOUT_SECONDS: '30' }, 'WS_IDLE_TIMEOUT_SECONDS must be greater than WS_PING_INTERVAL_SECONDS'],
    [{ WEBHOOK_MAX_ATTEMPTS: '0' }, 'WEBHOOK_MAX_ATTEMPTS must be an integer from 1 to 100'],
    [{ WEBHOOK_BACKOFF_BASE_MS: '5' }, 'WEBHOOK_BACKOFF_BASE_MS must be an integer from 10 to 3600000'],
    [{ WEBHOOK_TIMEOUT_MS: '60001' }, 'WEBHOOK_TIMEOUT_MS must be an integer from 100 to 60000'],
    [{ DATABASE_CONNECT_TIMEOUT_MS: '50' }, 'DATABASE_CONNECT_TIMEOUT_MS must be an integer from 100 to 120000'],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '-1' }, 'DATABASE_STATEMENT_TIMEOUT_MS must be an integer from 0 to 3600000'],
    [{ METRICS_TENANTS: 'acme' }, 'METRICS_TENANTS must be a comma-separated list of tenant ids (UUIDs)'],
    [{ WEBHOOK_ALLOW_HTTP: 'yes' }, 'WEBHOOK_ALLOW_HTTP must be true or false'],
    [{ TLS_CERT_FILE: '/exists/cert.pem' }, 'TLS_KEY_FILE is required when TLS_CERT_FILE is set'],
    [{ TLS_KEY_FILE: '/exists/key.pem' }, 'TLS_CERT_FILE is required when TLS_KEY_FILE is set'],
    [
      { TLS_CERT_FILE: '/missing/cert.pem', TLS_KEY_FILE: '/exists/key.pem' },
      'TLS_CERT_FILE must name an existing file',
    ],
    [
      { TLS_CERT_FILE: '/exists/cert.pem', TLS_KEY_FILE: '/missing/key.pem' },
      'TLS_KEY_FILE must name an existing file',
    ],
    [{ TLS_CA_CERT_FILE: '/missing/ca.pem' }, 'TLS_CA_CERT_FILE must name an existing, readable file'],
    [{ TLS_CA_CERT_FILE: '/exists/other.pem' }, 'TLS_CA_CERT_FILE must name an existing, readable file'],
    [{ TLS_CA_CERT_FILE: '/exists/leaf.pem' }, 'TLS_CA_CERT_FILE must be a CA certificate (basicConstraints CA:TRUE)'],
    [
      { TLS_CA_CERT_FILE: '/exists/chain.pem' },
      'TLS_CA_CERT_FILE must hold exactly one PEM certificate (the CA certificate)',
    ],
    [{ TLS_CA_CERT_FILE: '/exists/junk.pem' }, 'TLS_CA_CERT_FILE is not a PEM certificate'],
    [{ PAIRING_CLIENT_ALLOW_HTTP: 'yes' }, 'PAIRING_CLIENT_ALLOW_HTTP must be true or false'],
    [{ PAIRING_CLIENT_TIMEOUT_SECONDS: '0' }, 'PAIRING_CLIENT_TIMEOUT_SECONDS must be an integer from 1 to 15'],
    [{ PAIRING_CLIENT_TIMEOUT_SECONDS: '16' }, 'PAIRING_CLIENT_TIMEOUT_SECONDS must be an integer from 1 to 15'],
  ] satisfies [Environment, string][])('rejects %o', (override, expected) => {
    const error = errorOf({ ...required, ...override });
    expect(error.message).toContain(`invalid configuration: ${expected}`);
    expect(error.message).not.toContain('\n');
  });

  it('names every bad variable on one line', () => {
    const error = errorOf({ PORT: 'x', ROLES: 'nope' });
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'PORT',
      'ROLES',
      'OPERATOR_TOKEN',
      'JWT_SECRET',
      'SECRETS_KEY',
    ]);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('keeps a role name with a newline on one line', () => {
    expect(errorOf({ ...required, ROLES: 'api,x\ny' }).message).not.toContain('\n');
  });

  describe('REDIS_MODE', () => {
    it('reads a Cluster: its seed nodes, the password and TLS', () => {
      const config = load({
        ...required,
        REDIS_MODE: 'cluster',
        REDIS_CLUSTER_NODES: 'redis-0.redis:6379,10.0.0.8:6380',
        REDIS_PASSWORD: 'redis-secret',
        REDIS_TLS: 'true',
      });
      expect(config.redis).toEqual({
        mode: 'cluster',
        nodes: [
          { host: 'redis-0.redis', port: 6379 },
          { host: '10.0.0.8', port: 6380 },
        ],
        password: 'redis-secret',
        tls: true,
      });
    });

    it('reads a Sentinel group: its Sentinels, the master name, passwords and TLS', () => {
      const config = load({
        ...required,
        REDIS_MODE: 'sentinel',
        REDIS_SENTINELS: 'sentinel-0.redis:26379, 10.0.0.7:26380,[fd00::1]:26381',
        REDIS_SENTINEL_NAME: 's2-broker',
        REDIS_PASSWORD: 'redis-secret',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_TLS: 'true',
      });
      expect(config.redis).toEqual({
        mode: 'sentinel',
        sentinels: [
          { host: 'sentinel-0.redis', port: 26379 },
          { host: '10.0.0.7', port: 26380 },
          { host: 'fd00::1', port: 26381 },
        ],
        name: 's2-broker',
        password: 'redis-secret',
        sentinelPassword: 'sentinel-secret',
        tls: true,
      });
    });

    it('reads a Cluster: its seed nodes, without password or TLS unless given', () => {
      const issues: ConfigIssue[] = [];
      const target = redisTargetFromEnv(
        { REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'redis-0:6379,redis-1:6379' },
        issues,
      );
      expect(issues).toEqual([]);
      expect(target).toEqual({
        mode: 'cluster',
        nodes: [
          { host: 'redis-0', port: 6379 },
          { host: 'redis-1', port: 6379 },
        ],
        password: null,
        tls: false,
      });
    });

    it('is standalone with REDIS_URL when not set, and explicitly', () => {
      const url = 'redis://cache:6379';
      expect(load({ ...required, REDIS_URL: url }).redis).toEqual({ mode: 'standalone', url });
      expect(load({ ...required, REDIS_MODE: 'standalone', REDIS_URL: url }).redis).toEqual({
        mode: 'standalone',
        url,
      });
    });

    const sentinel = { REDIS_MODE: 'sentinel', REDIS_SENTINELS: 'a:26379', REDIS_SENTINEL_NAME: 'group' };
    const cluster = { REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'a:6379' };
    it.each([
      [{ REDIS_MODE: 'replicated' }, 'REDIS_MODE must be one of standalone, sentinel, cluster'],
      [{ REDIS_MODE: 'sentinel' }, 'REDIS_SENTINELS is required when REDIS_MODE is sentinel'],
      [{ ...sentinel, REDIS_SENTINEL_NAME: undefined }, 'REDIS_SENTINEL_NAME is required when REDIS_MODE is sentinel'],
      [{ ...sentinel, REDIS_SENTINEL_NAME: 'my group' }, 'REDIS_SENTINEL_NAME must be 1 to 128 letters'],
      [{ ...sentinel, REDIS_SENTINELS: 'a:26379,' }, 'REDIS_SENTINELS item 2 is not host:port'],
      [{ ...sentinel, REDIS_SENTINELS: 'a' }, 'REDIS_SENTINELS item 1 is not host:port'],
      [{ ...sentinel, REDIS_SENTINELS: 'a:0' }, 'REDIS_SENTINELS item 1 is not host:port'],
      [{ ...sentinel, REDIS_SENTINELS: 'a:65536' }, 'REDIS_SENTINELS item 1 is not host:port'],
      [{ ...sentinel, REDIS_SENTINELS: 'redis://a:26379' }, 'REDIS_SENTINELS item 1 is not host:port'],
      [{ ...sentinel, REDIS_TLS: 'yes' }, 'REDIS_TLS must be true or false'],
      [
        { ...sentinel, REDIS_URL: 'redis://a' },
        'REDIS_URL is only read when REDIS_MODE is standalone (it is sentinel)',
      ],
      [{ ...sentinel, REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_CLUSTER_NODES is only read when REDIS_MODE is cluster'],
      [{ REDIS_MODE: 'cluster' }, 'REDIS_CLUSTER_NODES is required when REDIS_MODE is cluster'],
      [{ ...cluster, REDIS_CLUSTER_NODES: 'a:6379 b:6379' }, 'REDIS_CLUSTER_NODES item 1 is not host:port'],
      [{ ...cluster, REDIS_SENTINEL_NAME: 'group' }, 'REDIS_SENTINEL_NAME is only read when REDIS_MODE is sentinel'],
      [{ REDIS_SENTINELS: 'a:26379' }, 'REDIS_SENTINELS is only read when REDIS_MODE is sentinel (it is standalone)'],
      [{ REDIS_CLUSTER_NODES: 'a:6379' }, 'REDIS_CLUSTER_NODES is only read when REDIS_MODE is cluster'],
      [{ REDIS_PASSWORD: 'x' }, 'REDIS_PASSWORD is only read when REDIS_MODE is sentinel or cluster'],
    ])('refuses %o: %s', (override, problem) => {
      expect(errorOf({ ...required, ...override }).message).toContain(problem);
    });

    it('never echoes the Redis passwords', () => {
      const { message } = errorOf({
        ...required,
        REDIS_MODE: 'sentinel',
        REDIS_SENTINELS: 'nope',
        REDIS_PASSWORD: 'redis-secret-1',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret-1',
      });
      expect(message).not.toContain('secret-1');
    });
  });

  it('never echoes secret values', () => {
    const values = {
      OPERATOR_TOKEN: 'op-secret-too-short',
      JWT_SECRET: 'jwt-secret-too-short',
      DATABASE_URL: 'mysql://admin:db-password-1@db/x',
      REDIS_URL: 'http://:redis-password-1@cache',
      PUBLIC_URL: 'https://user:public-password-1@example.com',
      SECRETS_KEYS: `k1:${Buffer.alloc(16, 'k').toString('base64')}`,
    };
    const { message } = errorOf(values);
    for (const variable of Object.keys(values)) {
      expect(message).toContain(variable);
    }
    const key = Buffer.alloc(16, 'k').toString('base64');
    for (const value of ['op-secret', 'jwt-secret', 'db-password', 'redis-password', 'public-password', 'admin', key]) {
      expect(message).not.toContain(value);
    }
  });

  it('does not echo a valid secret when another variable is wrong', () => {
    const { message } = errorOf({ ...required, PORT: 'nope' });
    expect(message).not.toContain(OPERATOR_TOKEN);
    expect(message).not.toContain(JWT_SECRET);
    expect(message).not.toContain(KEY_A.toString('base64'));
  });
});
