// Onboarding through the public HTTP API of the real broker: the operator creates tenants, a tenant
// exchanges its client credentials for a JWT, creates CEM nodes and issues pairing codes.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Broker,
  startBroker,
  TEST_JWT_SECRET,
  TEST_OPERATOR_TOKEN,
  TEST_SECRETS_KEYS,
  urlFor,
} from './support/broker.js';
import { refusedStatus } from './support/ws-peer.js';
import { TEST_DATABASE_URL } from './support/global-setup.js';
import { storedPairingToken } from './support/stored-secrets.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

interface Tenant {
  id: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  claims: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PAIRING_CODE = /^[0-9a-zA-Z]+-[0-9a-zA-Z]{10}$/;
const unauthorized = { statusCode: 401, error: 'Unauthorized', message: expect.any(String) };
const notFound = { statusCode: 404, error: 'Not Found', message: expect.any(String) };

let broker: Broker;
let db: pg.Client;
/** Every credential the broker handed out or was given: none may reach its logs. */
// The secrets key's base64 too, not only the whole id:key entry.
const secrets: string[] = [TEST_OPERATOR_TOKEN, TEST_JWT_SECRET, TEST_SECRETS_KEYS.split(':')[1] ?? TEST_SECRETS_KEYS];
const run = randomBytes(4).toString('hex');

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(urlFor(broker, path), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const asOperator = (method: string, path: string, body?: unknown) =>
  call(method, path, { token: TEST_OPERATOR_TOKEN, body });

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A JWT signed by hand, to present what the broker itself never issues. */
function signJwt(payload: object, { secret = TEST_JWT_SECRET, alg = 'HS256' } = {}): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg, typ: 'JWT' })}.${encode(payload)}`;
  const digest = alg === 'HS512' ? 'sha512' : 'sha256';
  return `${unsigned}.${createHmac(digest, secret).update(unsigned).digest('base64url')}`;
}

async function createTenant(name: string): Promise<Tenant> {
  const created = await asOperator('POST', '/admin/v1/tenants', { name });
  expect(created.status).toBe(201);
  const { clientId, clientSecret } = created.body.serviceAccount as { clientId: string; clientSecret: string };
  const token = await call('POST', '/api/v1/auth/token', { body: { clientId, clientSecret } });
  expect(token.status).toBe(200);
  const accessToken = token.body.accessToken as string;
  secrets.push(clientSecret, accessToken);
  return { id: created.body.id as string, clientId, clientSecret, accessToken, claims: claimsOf(accessToken) };
}

async function createNode(tenant: Tenant, body: Record<string, unknown> = {}): Promise<Answer> {
  return call('POST', '/api/v1/cem-nodes', {
    token: tenant.accessToken,
    body: { brand: 'Acme', type: 'home energy manager', modelName: 'HEM-1', ...body },
  });
}

async function issueCode(tenant: Tenant, nodeId: string, body?: unknown): Promise<Answer> {
  const answer = await call('POST', `/api/v1/cem-nodes/${nodeId}/pairing-codes`, { token: tenant.accessToken, body });
  if (typeof answer.body.pairingCode === 'string') {
    secrets.push(answer.body.pairingCode, answer.body.pairingCode.split('-')[1] ?? '');
  }
  return answer;
}

function secondsFromNow(iso: unknown): number {
  return (new Date(String(iso)).getTime() - Date.now()) / 1000;
}

beforeAll(async () => {
  broker = await startBroker();
  db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await broker?.stop();
});

describe('operator API', () => {
  it('refuses a missing, wrong or malformed operator token with 401', async () => {
    for (const token of [undefined, 'wrong-token', `${TEST_OPERATOR_TOKEN}x`, TEST_OPERATOR_TOKEN.slice(0, -1)]) {
      for (const [method, body] of [
        ['GET', undefined],
        ['POST', { name: 'Nope' }],
      ] as const) {
        const answer = await call(method, '/admin/v1/tenants', { token, body });
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual(unauthorized);
      }
    }
    const basic = await fetch(`${broker.internalUrl}/admin/v1/tenants`, {
      headers: { authorization: `Basic ${TEST_OPERATOR_TOKEN}` },
    });
    expect(basic.status).toBe(401);
  });

  it('creates a tenant with its first service account, whose secret is shown once and stored hashed', async () => {
    const answer = await asOperator('POST', '/admin/v1/tenants', {
      name: `Acme ${run}`,
      logoUrl: 'https://acme.example/logo.png',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      id: expect.stringMatching(UUID),
      name: `Acme ${run}`,
      logoUrl: 'https://acme.example/logo.png',
      serviceAccount: {
        clientId: expect.stringMatching(/^sa_[A-Za-z0-9_-]{22}$/),
        clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      },
    });
    const { clientId, clientSecret } = answer.body.serviceAccount as { clientId: string; clientSecret: string };
    secrets.push(clientSecret);

    const { rows } = await db.query<{ secret_hash: string; tenant_id: string }>(
      'SELECT secret_hash, tenant_id FROM service_accounts WHERE client_id = $1',
      [clientId],
    );
    expect(rows).toEqual([{ tenant_id: answer.body.id, secret_hash: expect.stringMatching(/^scrypt\$/) }]);
    expect(rows[0]?.secret_hash).not.toContain(clientSecret);

    const audit = await db.query<{ actor_type: string; subject_id: string; data: unknown }>(
      "SELECT actor_type, subject_id, data FROM audit_events WHERE tenant_id = $1 AND action = 'tenant.created'",
      [answer.body.id],
    );
    expect(audit.rows).toEqual([{ actor_type: 'operator', subject_id: answer.body.id, data: expect.any(Object) }]);
    expect(JSON.stringify(audit.rows)).not.toContain(clientSecret);

    const list = await asOperator('GET', '/admin/v1/tenants');
    expect(JSON.stringify(list.body)).not.toContain(clientSecret);
  });

  it('refuses a bad tenant body with 400 naming the field', async () => {
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'Ok', logoUrl: 'ftp://acme.example/logo.png' }, 'logoUrl'],
      [{ name: 'Ok', plan: 'gold' }, 'plan'],
    ] as const) {
      const answer = await asOperator('POST', '/admin/v1/tenants', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringMatching(`^${field}: `),
      });
    }
  });

  it('lists tenants', async () => {
    const tenant = await createTenant(`Listed ${run}`);
    const items: Record<string, unknown>[] = [];
    for (let cursor: unknown = undefined; ;) {
      const query = cursor === undefined ? '?limit=1000' : `?limit=1000&cursor=${String(cursor)}`;
      const answer = await asOperator('GET', `/admin/v1/tenants${query}`);
      expect(answer.status).toBe(200);
      items.push(...(answer.body.items as Record<string, unknown>[]));
      cursor = answer.body.nextCursor;
      if (cursor === null) break;
    }
    expect(items.find((item) => item.id === tenant.id)).toEqual({
      id: tenant.id,
      name: `Listed ${run}`,
      logoUrl: null,
      status: 'active',
      maxCemNodes: null,
      maxSessions: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });
});

describe('token exchange', () => {
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await createTenant(`Tokens ${run}`);
  });

  it('grants a short-lived HS256 JWT naming the service account and the tenant', async () => {
    const answer = await call('POST', '/api/v1/auth/token', {
      body: { clientId: tenant.clientId, clientSecret: tenant.clientSecret },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const accessToken = answer.body.accessToken as string;
    secrets.push(accessToken);
    expect(JSON.parse(Buffer.from(accessToken.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      alg: 'HS256',
    });
    const claims = claimsOf(accessToken);
    expect(claims).toMatchObject({
      sub: expect.stringMatching(UUID),
      tid: tenant.id,
      iss: 's2-broker',
      aud: 's2-broker/api',
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
  });

  it('answers a wrong secret and an unknown client alike with 401', async () => {
    const wrong = await call('POST', '/api/v1/auth/token', {
      // A different last character (the secret may already end in the one we would put there).
      body: {
        clientId: tenant.clientId,
        clientSecret: `${tenant.clientSecret.slice(0, -1)}${tenant.clientSecret.endsWith('A') ? 'B' : 'A'}`,
      },
    });
    const unknown = await call('POST', '/api/v1/auth/token', {
      body: { clientId: `sa_${randomBytes(16).toString('base64url')}`, clientSecret: tenant.clientSecret },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unauthorized);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('refuses a bad token request with 400', async () => {
    const answer = await call('POST', '/api/v1/auth/token', { body: { clientId: tenant.clientId } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^clientSecret: /);
  });

  it('stops a suspended tenant, at the exchange and with tokens it already holds', async () => {
    const suspended = await createTenant(`Suspended ${run}`);
    await db.query("UPDATE tenants SET status = 'SUSPENDED' WHERE id = $1", [suspended.id]);
    const exchange = await call('POST', '/api/v1/auth/token', {
      body: { clientId: suspended.clientId, clientSecret: suspended.clientSecret },
    });
    expect(exchange.status).toBe(401);
    const held = await createNode(suspended);
    expect(held.status).toBe(401);
  });

  it('stops a revoked service account', async () => {
    const revoked = await createTenant(`Revoked ${run}`);
    await db.query('UPDATE service_accounts SET revoked_at = now() WHERE client_id = $1', [revoked.clientId]);
    expect((await createNode(revoked)).status).toBe(401);
    const exchange = await call('POST', '/api/v1/auth/token', {
      body: { clientId: revoked.clientId, clientSecret: revoked.clientSecret },
    });
    expect(exchange.status).toBe(401);
  });
});

describe('tenant API authentication', () => {
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await createTenant(`Auth ${run}`);
  });

  function forged(overrides: Record<string, unknown>, options?: { secret?: string; alg?: string }): string {
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt({ ...tenant.claims, iat: now, exp: now + 300, ...overrides }, options);
    secrets.push(token);
    return token;
  }

  it('accepts a JWT signed the way the broker signs (so that the refusals below are about their flaw)', async () => {
    const answer = await call('POST', '/api/v1/cem-nodes', {
      token: forged({}),
      body: { brand: 'Acme', type: 'hem', modelName: 'HEM-1' },
    });
    expect(answer.status).toBe(201);
    expect(await refusedStatus(`${broker.url.replace('http', 'ws')}/cem/v1/ws`, forged({}))).toBe(101);
  });

  it.each([
    ['no token', () => undefined],
    ['the operator token', () => TEST_OPERATOR_TOKEN],
    [
      'a tampered signature',
      () => `${tenant.accessToken.slice(0, -2)}${tenant.accessToken.endsWith('AA') ? 'BB' : 'AA'}`,
    ],
    [
      'a tampered payload',
      () => forged({}).replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"x"}').toString('base64url')}.`),
    ],
    ['another tenant id', () => forged({ tid: randomUUID() })],
    [
      'an expired token',
      () => forged({ iat: Math.floor(Date.now() / 1000) - 1000, exp: Math.floor(Date.now() / 1000) - 10 }),
    ],
    ['another audience', () => forged({ aud: 's2-broker/other' })],
    ['another issuer', () => forged({ iss: 'someone-else' })],
    ['another key', () => forged({}, { secret: `${TEST_JWT_SECRET}-other` })],
    ['another algorithm', () => forged({}, { alg: 'HS512' })],
    ['alg none', () => `${forged({}, { alg: 'none' }).split('.').slice(0, 2).join('.')}.`],
    // The JWT library takes a token without exp for one that never expires.
    ['a token without exp', () => forged({ exp: undefined })],
    ['a token without iat', () => forged({ iat: undefined })],
    ['a token without a tenant', () => forged({ tid: undefined })],
    ['a token without a service account', () => forged({ sub: undefined })],
    [
      'a token issued in the future',
      () => forged({ iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 3900 }),
    ],
    [
      'a token living longer than the broker issues them',
      () => forged({ exp: Math.floor(Date.now() / 1000) + 86_400 }),
    ],
  ])('refuses %s with 401, at the API and at the CEM channel', async (_case, token) => {
    for (const [method, path] of [
      ['POST', '/api/v1/cem-nodes'],
      ['GET', `/api/v1/cem-nodes/${randomUUID()}`],
      ['POST', `/api/v1/cem-nodes/${randomUUID()}/pairing-codes`],
    ] as const) {
      const answer = await call(method, path, { token: token(), body: method === 'POST' ? {} : undefined });
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.body).toEqual(unauthorized);
    }
    expect(await refusedStatus(`${broker.url.replace('http', 'ws')}/cem/v1/ws`, token())).toBe(401);
  });
});

describe('CEM nodes', () => {
  let tenant: Tenant;
  let other: Tenant;
  let node: Record<string, unknown>;

  beforeAll(async () => {
    tenant = await createTenant(`Nodes ${run}`);
    other = await createTenant(`Other ${run}`);
  });

  it('creates a node with a random UUID and a node id alias', async () => {
    const answer = await createNode(tenant, {
      userDefinedName: 'Home of J. Doe',
      logoUrl: 'https://acme.example/hem.png',
      externalRef: 'site-1',
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.stringMatching(UUID),
      nodeIdAlias: expect.stringMatching(/^[2-9a-km-np-z]{6}$/),
      brand: 'Acme',
      type: 'home energy manager',
      modelName: 'HEM-1',
      userDefinedName: 'Home of J. Doe',
      logoUrl: 'https://acme.example/hem.png',
      externalRef: 'site-1',
      createdAt: expect.any(String),
    });
    expect(Math.abs(secondsFromNow(answer.body.createdAt))).toBeLessThan(30);
    node = answer.body;
    const minimal = await createNode(tenant);
    expect(minimal.body).toMatchObject({ userDefinedName: null, logoUrl: null, externalRef: null });
    expect(minimal.body.nodeIdAlias).not.toBe(node.nodeIdAlias);
  });

  it('refuses a duplicate externalRef in the tenant with 409, not across tenants', async () => {
    const duplicate = await createNode(tenant, { externalRef: 'site-1' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/^externalRef/),
    });
    expect((await createNode(other, { externalRef: 'site-1' })).status).toBe(201);
  });

  it('refuses a bad body with 400 naming the field', async () => {
    for (const [body, field] of [
      [{ brand: '' }, 'brand'],
      [{ type: 42 }, 'type'],
      [{ modelName: undefined }, 'modelName'],
      [{ logoUrl: 'javascript:alert(1)' }, 'logoUrl'],
      [{ externalRef: '' }, 'externalRef'],
      [{ id: randomUUID() }, 'id'],
    ] as const) {
      const answer = await createNode(tenant, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringMatching(`^${field}: `),
      });
    }
  });

  it('refuses a body that is not JSON with 400', async () => {
    const response = await fetch(`${broker.url}/api/v1/cem-nodes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.accessToken}`, 'content-type': 'application/json' },
      body: '{"brand":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it("answers the tenant's own node, and 404 for another tenant's, an unknown or a malformed id", async () => {
    const own = await call('GET', `/api/v1/cem-nodes/${String(node.id)}`, { token: tenant.accessToken });
    expect(own.status).toBe(200);
    expect(own.body).toEqual(node);
    for (const id of [String(node.id), randomUUID(), 'not-a-uuid', `${String(node.id)}x`]) {
      const answer = await call('GET', `/api/v1/cem-nodes/${id}`, { token: other.accessToken });
      expect(answer.status, id).toBe(404);
      expect(answer.body).toEqual(notFound);
    }
  });
});

describe('pairing codes', () => {
  let tenant: Tenant;
  let other: Tenant;
  let nodeId: string;
  let alias: string;

  beforeAll(async () => {
    tenant = await createTenant(`Codes ${run}`);
    other = await createTenant(`Codes other ${run}`);
    const node = await createNode(tenant);
    nodeId = node.body.id as string;
    alias = node.body.nodeIdAlias as string;
  });

  it('issues a dynamic code that lives PAIRING_CODE_TTL_SECONDS by default', async () => {
    const answer = await issueCode(tenant, nodeId);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      pairingUrl: `http://localhost:${broker.port}/pairing/`,
      pairingCode: expect.stringMatching(PAIRING_CODE),
      nodeIdAlias: alias,
      expiresAt: expect.any(String),
    });
    expect(answer.body.pairingCode).toMatch(new RegExp(`^${alias}-`));
    expect(secondsFromNow(answer.body.expiresAt)).toBeGreaterThan(290);
    expect(secondsFromNow(answer.body.expiresAt)).toBeLessThanOrEqual(300);
  });

  it('refuses a static code with 400 saying why, and issues nothing', async () => {
    const before = await issueCode(tenant, nodeId);
    const answer = await issueCode(tenant, nodeId, { kind: 'static' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message:
        'kind: static pairing codes are not issued: S2 Connect allows them only for nodes without a user interface, and a CEM node has one',
    });
    const { rows } = await db.query<{ token: string }>('SELECT token FROM pairing_codes WHERE cem_node_id = $1', [
      nodeId,
    ]);
    expect(rows.map((row) => storedPairingToken(row.token, nodeId))).toEqual([
      String(before.body.pairingCode).split('-')[1],
    ]);
  });

  it('honours ttlSeconds', async () => {
    const answer = await issueCode(tenant, nodeId, { kind: 'dynamic', ttlSeconds: 60 });
    expect(answer.status).toBe(201);
    expect(secondsFromNow(answer.body.expiresAt)).toBeGreaterThan(50);
    expect(secondsFromNow(answer.body.expiresAt)).toBeLessThanOrEqual(60);
  });

  it('refuses a bad body with 400 naming the field', async () => {
    for (const [body, field] of [
      [{ kind: 'forever' }, 'kind'],
      [{ ttlSeconds: 29 }, 'ttlSeconds'],
      [{ ttlSeconds: 86_401 }, 'ttlSeconds'],
      [{ ttlSeconds: '60' }, 'ttlSeconds'],
      [{ kind: 'static', ttlSeconds: 60 }, 'kind'],
      [{ token: 'abcdefghij' }, 'token'],
    ] as const) {
      const answer = await issueCode(tenant, nodeId, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.stringMatching(`^${field}: `),
      });
    }
  });

  it("answers another tenant's node, an unknown or a malformed id with 404", async () => {
    for (const id of [nodeId, randomUUID(), 'nope']) {
      const answer = await issueCode(other, id);
      expect(answer.status, id).toBe(404);
      expect(answer.body).toEqual(notFound);
    }
  });

  it('keeps one pairing code per node: the latest', async () => {
    await issueCode(tenant, nodeId, { ttlSeconds: 60 });
    const latest = await issueCode(tenant, nodeId);
    const { rows } = await db.query<{ token: string; kind: string }>(
      'SELECT token, kind FROM pairing_codes WHERE cem_node_id = $1',
      [nodeId],
    );
    const clear = rows.map((row) => ({ ...row, token: storedPairingToken(row.token, nodeId) }));
    expect(clear).toEqual([{ token: String(latest.body.pairingCode).split('-')[1], kind: 'DYNAMIC' }]);
  });

  it('audits every issue, without the token', async () => {
    const { rows } = await db.query<{ actor_type: string; data: unknown }>(
      "SELECT actor_type, data FROM audit_events WHERE subject_id = $1 AND action = 'pairing_code.issued'",
      [nodeId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.every((row) => row.actor_type === 'service_account')).toBe(true);
    const { rows: tokens } = await db.query<{ token: string }>(
      'SELECT token FROM pairing_codes WHERE cem_node_id = $1',
      [nodeId],
    );
    const trail = JSON.stringify(rows);
    expect(tokens.length).toBe(1);
    for (const { token } of tokens) expect(trail).not.toContain(storedPairingToken(token, nodeId));
  });
});

describe('logs', () => {
  it('hold none of the credentials, tokens and codes of the whole run', async () => {
    await broker.waitForLog((line) => line.msg === 'request' && line.path === '/api/v1/auth/token');
    expect(() => broker.logs()).not.toThrow();
    const output = [...broker.stdout, ...broker.stderr].join('\n');
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(10);
      expect(output.includes(secret), `a secret of length ${secret.length} is in the log`).toBe(false);
    }
    expect(broker.stderr).toEqual([]);
  });
});
