// The operator's tenant endpoints, the tenant's service accounts and audit trail, suspension, deletion,
// revocation and the session quota, through the running broker.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN, urlFor } from './support/broker.js';
import {
  del,
  get,
  type HttpAnswer,
  post,
  rmWithSession,
  type RmWithSession,
  sql,
  type Tenant,
} from './support/s2-connect.js';
import { connect, type Peer, refusedStatus } from './support/ws-peer.js';

let broker: Broker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.stop();
});

const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;
const api = (path: string) => urlFor(broker, path);

async function patch(url: string, body: unknown, bearer?: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(url, { method: 'PATCH', headers, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), ms: 0, at: 0 };
}

const asOperator = {
  get: (path: string) => get(api(path), TEST_OPERATOR_TOKEN),
  patch: (path: string, body: unknown) => patch(api(path), body, TEST_OPERATOR_TOKEN),
  del: (path: string) => del(api(path), TEST_OPERATOR_TOKEN),
};

interface Page {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

const pageOf = (answer: HttpAnswer) => answer.body as Page;
const badRequest = (field: string) => ({
  status: 400,
  body: { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(`^${field}: `) },
});
const notFound = { status: 404, body: { statusCode: 404, error: 'Not Found', message: expect.any(String) } };
const unauthorized = { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String) } };

/** A tenant as its own creator sees it: with its first account's credentials. */
interface OwnTenant extends Tenant {
  clientId: string;
  clientSecret: string;
}

async function newTenant(): Promise<OwnTenant> {
  const name = `tenants-${randomUUID().slice(0, 8)}`;
  const created = await post(api('/admin/v1/tenants'), { name }, TEST_OPERATOR_TOKEN);
  const { id, serviceAccount } = created.body as {
    id: string;
    serviceAccount: { clientId: string; clientSecret: string };
  };
  const jwt = await tokenFor(serviceAccount.clientId, serviceAccount.clientSecret);
  return { id, name, jwt, ...serviceAccount };
}

async function tokenFor(clientId: string, clientSecret: string): Promise<string> {
  const answer = await post(api('/api/v1/auth/token'), { clientId, clientSecret });
  expect(answer.status).toBe(200);
  return (answer.body as { accessToken: string }).accessToken;
}

function initiate(rm: RmWithSession): Promise<HttpAnswer> {
  return post(
    `${rm.initiateSessionUrl}v1/initiateSession`,
    {
      clientNodeId: rm.rmNodeId,
      serverNodeId: rm.cemNodeId,
      supportedS2MessageVersions: ['v1.0.0'],
      supportedCommunicationProtocols: ['WebSocket'],
    },
    rm.accessToken,
  );
}

/** Retries `probe` until it holds: for what the broker settles asynchronously (a socket's end reaching Redis). */
async function eventually(probe: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isS2 = (type: string) => (frame: Record<string, unknown>) => frame.message_type === type;

describe('operator: tenants', () => {
  it('refuses every new endpoint without or with a wrong operator token', async () => {
    const tenant = await newTenant();
    for (const token of [undefined, 'wrong-token', tenant.jwt]) {
      expect(await get(api(`/admin/v1/tenants/${tenant.id}`), token)).toMatchObject(unauthorized);
      expect(await patch(api(`/admin/v1/tenants/${tenant.id}`), { name: 'x' }, token)).toMatchObject(unauthorized);
      expect(await del(api(`/admin/v1/tenants/${tenant.id}`), token)).toMatchObject(unauthorized);
      expect(await get(api('/admin/v1/audit-events'), token)).toMatchObject(unauthorized);
    }
    expect(await asOperator.get(`/admin/v1/tenants/${tenant.id}`)).toMatchObject({ status: 200 });
  });

  it('shows one tenant, and 404 for an unknown or malformed id', async () => {
    const tenant = await newTenant();
    expect(await asOperator.get(`/admin/v1/tenants/${tenant.id}`)).toEqual(
      expect.objectContaining({
        status: 200,
        body: {
          id: tenant.id,
          name: tenant.name,
          logoUrl: null,
          status: 'active',
          maxCemNodes: null,
          maxSessions: null,
          createdAt: expect.any(String),
        },
      }),
    );
    expect(await asOperator.get(`/admin/v1/tenants/${randomUUID()}`)).toMatchObject(notFound);
    expect(await asOperator.get('/admin/v1/tenants/not-a-uuid')).toMatchObject(notFound);
  });

  it('changes a tenant, records each kind of change, and refuses a bad body naming the field', async () => {
    const tenant = await newTenant();
    const changed = await asOperator.patch(`/admin/v1/tenants/${tenant.id}`, {
      name: 'Renamed',
      logoUrl: 'https://renamed.example/logo.png',
      maxCemNodes: 10,
      maxSessions: 0,
    });
    expect(changed).toMatchObject({
      status: 200,
      body: {
        id: tenant.id,
        name: 'Renamed',
        logoUrl: 'https://renamed.example/logo.png',
        maxCemNodes: 10,
        maxSessions: 0,
      },
    });
    expect(
      await asOperator.patch(`/admin/v1/tenants/${tenant.id}`, { maxSessions: null, logoUrl: null }),
    ).toMatchObject({
      status: 200,
      body: { maxSessions: null, logoUrl: null, maxCemNodes: 10 },
    });
    const audit = pageOf(await asOperator.get(`/admin/v1/audit-events?tenantId=${tenant.id}`));
    // Newest first; the entries of one change are written in one transaction, quotas before the profile.
    expect(audit.items.map((event) => [event.action, event.actorType, event.data])).toEqual([
      ['tenant.updated', 'operator', { logoUrl: { from: 'https://renamed.example/logo.png', to: null } }],
      ['tenant.quota_changed', 'operator', { maxSessions: { from: 0, to: null } }],
      [
        'tenant.updated',
        'operator',
        { name: { from: tenant.name, to: 'Renamed' }, logoUrl: { from: null, to: 'https://renamed.example/logo.png' } },
      ],
      ['tenant.quota_changed', 'operator', { maxCemNodes: { from: null, to: 10 }, maxSessions: { from: null, to: 0 } }],
      ['tenant.created', 'operator', expect.any(Object)],
    ]);

    for (const [body, field] of [
      [{ status: 'paused' }, 'status'],
      [{ maxSessions: -1 }, 'maxSessions'],
      [{ maxCemNodes: 1.5 }, 'maxCemNodes'],
      [{ maxCemNodes: '3' }, 'maxCemNodes'],
      [{ name: '' }, 'name'],
      [{ logoUrl: 'ftp://x.example/a.png' }, 'logoUrl'],
      [{ plan: 'gold' }, 'plan'],
    ] as const) {
      expect(await asOperator.patch(`/admin/v1/tenants/${tenant.id}`, body)).toMatchObject(badRequest(field));
    }
    expect(await asOperator.patch(`/admin/v1/tenants/${randomUUID()}`, { name: 'x' })).toMatchObject(notFound);
  });

  it('pages through tenants, oldest first, within the limit bounds', async () => {
    const mine = [await newTenant(), await newTenant(), await newTenant()];
    const all: Record<string, unknown>[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page = pageOf(await asOperator.get(`/admin/v1/tenants?limit=1000${cursor ? `&cursor=${cursor}` : ''}`));
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    const ids = all.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(-3)).toEqual(mine.map((tenant) => tenant.id));

    const first = pageOf(await asOperator.get('/admin/v1/tenants?limit=1'));
    expect(first.items.map((item) => item.id)).toEqual([ids[0]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = pageOf(await asOperator.get(`/admin/v1/tenants?limit=1&cursor=${first.nextCursor}`));
    expect(second.items.map((item) => item.id)).toEqual([ids[1]]);

    if (all.length <= 1000) {
      const whole = pageOf(await asOperator.get(`/admin/v1/tenants?limit=${all.length}`));
      expect(whole.items).toHaveLength(all.length);
      expect(whole.nextCursor).toBeNull();
      const butLast = pageOf(await asOperator.get(`/admin/v1/tenants?limit=${all.length - 1}`));
      const last = pageOf(await asOperator.get(`/admin/v1/tenants?limit=1&cursor=${butLast.nextCursor}`));
      expect(last).toEqual({ items: [expect.objectContaining({ id: mine[2]?.id })], nextCursor: null });
    }

    expect((await asOperator.get('/admin/v1/tenants')).status).toBe(200);
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=x', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
      ['name=x', 'name'],
    ] as const) {
      expect(await asOperator.get(`/admin/v1/tenants?${query}`)).toMatchObject(badRequest(field));
    }
  });
});

describe('service accounts', () => {
  let tenant: OwnTenant;
  let other: OwnTenant;

  beforeAll(async () => {
    tenant = await newTenant();
    other = await newTenant();
  });

  it('creates one whose secret is shown once, works, and is stored as a scrypt hash', async () => {
    const created = await post(api('/api/v1/service-accounts'), { name: 'ci' }, tenant.jwt);
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: expect.any(String),
        name: 'ci',
        clientId: expect.stringMatching(/^sa_[\w-]{22}$/),
        clientSecret: expect.stringMatching(/^[\w-]{43}$/),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
    });
    const account = created.body as { id: string; clientId: string; clientSecret: string };
    await tokenFor(account.clientId, account.clientSecret);
    const [row] = await sql<{ secret_hash: string }>('SELECT secret_hash FROM service_accounts WHERE id = $1', [
      account.id,
    ]);
    expect(row?.secret_hash).toMatch(/^scrypt\$/);

    const shown = await get(api(`/api/v1/service-accounts/${account.id}`), tenant.jwt);
    expect(shown).toMatchObject({ status: 200, body: { id: account.id, lastUsedAt: expect.any(String) } });
    expect(JSON.stringify(shown.body)).not.toContain(account.clientSecret);
    expect(shown.body).not.toHaveProperty('clientSecret');
  });

  it('refuses a bad body naming the field, and callers without a valid JWT', async () => {
    expect(await post(api('/api/v1/service-accounts'), {}, tenant.jwt)).toMatchObject(badRequest('name'));
    expect(await post(api('/api/v1/service-accounts'), { name: 'x', role: 'admin' }, tenant.jwt)).toMatchObject(
      badRequest('role'),
    );
    for (const token of [undefined, 'not.a.jwt']) {
      expect(await post(api('/api/v1/service-accounts'), { name: 'x' }, token)).toMatchObject(unauthorized);
      expect(await get(api('/api/v1/service-accounts'), token)).toMatchObject(unauthorized);
      expect(await get(api('/api/v1/audit-events'), token)).toMatchObject(unauthorized);
    }
  });

  it("lists the tenant's accounts, never a secret, page by page", async () => {
    const own = await newTenant();
    await post(api('/api/v1/service-accounts'), { name: 'second' }, own.jwt);
    const whole = pageOf(await get(api('/api/v1/service-accounts?limit=2'), own.jwt));
    expect(whole.items.map((item) => item.name)).toEqual(['default', 'second']);
    expect(whole.nextCursor).toBeNull();
    expect(JSON.stringify(whole)).not.toMatch(/secret/i);

    const first = pageOf(await get(api('/api/v1/service-accounts?limit=1'), own.jwt));
    expect(first.items.map((item) => item.name)).toEqual(['default']);
    const rest = pageOf(await get(api(`/api/v1/service-accounts?limit=1&cursor=${first.nextCursor}`), own.jwt));
    expect(rest).toEqual({ items: [expect.objectContaining({ name: 'second' })], nextCursor: null });

    expect(await get(api('/api/v1/service-accounts?limit=0'), own.jwt)).toMatchObject(badRequest('limit'));
    expect(await get(api('/api/v1/service-accounts?limit=1001'), own.jwt)).toMatchObject(badRequest('limit'));
    expect(await get(api('/api/v1/service-accounts?cursor=abc'), own.jwt)).toMatchObject(badRequest('cursor'));
    const others = pageOf(await get(api('/api/v1/service-accounts'), other.jwt));
    expect(others.items.map((item) => item.clientId)).toEqual([other.clientId]);
  });

  it("answers another tenant's account as not found, for every operation", async () => {
    const foreign = pageOf(await get(api('/api/v1/service-accounts'), other.jwt)).items[0]?.id as string;
    expect(await get(api(`/api/v1/service-accounts/${foreign}`), tenant.jwt)).toMatchObject(notFound);
    expect(await post(api(`/api/v1/service-accounts/${foreign}/rotate-secret`), {}, tenant.jwt)).toMatchObject(
      notFound,
    );
    expect(await post(api(`/api/v1/service-accounts/${foreign}/revoke`), {}, tenant.jwt)).toMatchObject(notFound);
    expect(await get(api('/api/v1/service-accounts/nope'), tenant.jwt)).toMatchObject(notFound);
    await tokenFor(other.clientId, other.clientSecret);
  });

  it('rotates a secret: the new one works, the old one stops at once', async () => {
    const created = await post(api('/api/v1/service-accounts'), { name: 'rotated' }, tenant.jwt);
    const account = created.body as { id: string; clientId: string; clientSecret: string };
    const rotated = await post(api(`/api/v1/service-accounts/${account.id}/rotate-secret`), {}, tenant.jwt);
    expect(rotated).toMatchObject({
      status: 200,
      body: { id: account.id, clientId: account.clientId, clientSecret: expect.stringMatching(/^[\w-]{43}$/) },
    });
    const fresh = (rotated.body as { clientSecret: string }).clientSecret;
    expect(fresh).not.toBe(account.clientSecret);
    expect(
      await post(api('/api/v1/auth/token'), { clientId: account.clientId, clientSecret: account.clientSecret }),
    ).toMatchObject(unauthorized);
    await tokenFor(account.clientId, fresh);
  });

  it('revokes an account: its JWT, secret and live CEM channel stop; the last active one is kept (409)', async () => {
    const own = await newTenant();
    const created = await post(api('/api/v1/service-accounts'), { name: 'cem-software' }, own.jwt);
    const account = created.body as { id: string; clientId: string; clientSecret: string };
    const jwt = await tokenFor(account.clientId, account.clientSecret);
    const channel = await connect(wsUrl('/cem/v1/ws'), jwt);
    const sibling = await connect(wsUrl('/cem/v1/ws'), own.jwt);

    const revoked = await post(api(`/api/v1/service-accounts/${account.id}/revoke`), {}, own.jwt);
    expect(revoked).toMatchObject({ status: 200, body: { id: account.id, revokedAt: expect.any(String) } });
    expect(await channel.closed).toEqual({ code: 4004, reason: 'service-account-revoked' });
    expect(await get(api('/api/v1/service-accounts'), jwt)).toMatchObject(unauthorized);
    expect(
      await post(api('/api/v1/auth/token'), { clientId: account.clientId, clientSecret: account.clientSecret }),
    ).toMatchObject(unauthorized);
    expect(await refusedStatus(wsUrl('/cem/v1/ws'), jwt)).toBe(401);
    // The channel of the tenant's other account still answers.
    sibling.send('not json');
    expect(await sibling.next((frame) => frame.type === 'error')).toMatchObject({ code: 'invalid_frame' });

    expect(await post(api(`/api/v1/service-accounts/${account.id}/revoke`), {}, own.jwt)).toMatchObject({
      status: 200,
      body: { revokedAt: (revoked.body as { revokedAt: string }).revokedAt },
    });
    expect(await post(api(`/api/v1/service-accounts/${account.id}/rotate-secret`), {}, own.jwt)).toMatchObject({
      status: 409,
    });
    const defaultId = pageOf(await get(api('/api/v1/service-accounts'), own.jwt)).items[0]?.id as string;
    expect(await post(api(`/api/v1/service-accounts/${defaultId}/revoke`), {}, own.jwt)).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: expect.stringContaining('last active') },
    });
    expect((await get(api('/api/v1/service-accounts'), own.jwt)).status).toBe(200);
    sibling.close();
  });
});

describe('the audit trail', () => {
  it("holds the tenant's own credential events, newest first, filtered and paged", async () => {
    const own = await newTenant();
    const other = await newTenant();
    const self = pageOf(await get(api('/api/v1/service-accounts'), own.jwt)).items[0]?.id as string;
    const created = await post(api('/api/v1/service-accounts'), { name: 'audited' }, own.jwt);
    const account = (created.body as { id: string }).id;
    await post(api(`/api/v1/service-accounts/${account}/rotate-secret`), {}, own.jwt);
    await post(api(`/api/v1/service-accounts/${account}/revoke`), {}, own.jwt);

    const all = pageOf(await get(api('/api/v1/audit-events'), own.jwt));
    expect(all.nextCursor).toBeNull();
    expect(all.items.map((event) => [event.action, event.actorType, event.actorId, event.subjectId])).toEqual([
      ['service_account.revoked', 'service_account', self, account],
      ['service_account.secret_rotated', 'service_account', self, account],
      ['service_account.created', 'service_account', self, account],
      ['tenant.created', 'operator', null, own.id],
    ]);
    expect(all.items.every((event) => event.tenantId === own.id)).toBe(true);
    expect(JSON.stringify(all)).not.toMatch(/secretHash|clientSecret/);

    const rotations = pageOf(await get(api('/api/v1/audit-events?action=service_account.secret_rotated'), own.jwt));
    expect(rotations.items.map((event) => event.action)).toEqual(['service_account.secret_rotated']);
    const bySubject = pageOf(
      await get(api(`/api/v1/audit-events?subjectType=service_account&subjectId=${account}`), own.jwt),
    );
    expect(bySubject.items).toHaveLength(3);
    const createdAt = String(all.items[3]?.createdAt);
    const before = pageOf(
      await get(
        api(`/api/v1/audit-events?to=${encodeURIComponent(new Date(Date.parse(createdAt) + 1).toISOString())}`),
        own.jwt,
      ),
    );
    expect(before.items.map((event) => event.action)).toContain('tenant.created');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(pageOf(await get(api(`/api/v1/audit-events?from=${encodeURIComponent(future)}`), own.jwt))).toEqual({
      items: [],
      nextCursor: null,
    });

    const first = pageOf(await get(api('/api/v1/audit-events?limit=3'), own.jwt));
    expect(first.items).toHaveLength(3);
    const rest = pageOf(await get(api(`/api/v1/audit-events?limit=3&cursor=${first.nextCursor}`), own.jwt));
    expect(rest).toEqual({ items: [expect.objectContaining({ action: 'tenant.created' })], nextCursor: null });
    expect(pageOf(await get(api('/api/v1/audit-events?limit=4'), own.jwt)).nextCursor).toBeNull();

    const theirs = pageOf(await get(api(`/api/v1/audit-events?subjectId=${account}`), other.jwt));
    expect(theirs).toEqual({ items: [], nextCursor: null });

    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['from=yesterday', 'from'],
      ['cursor=xyz', 'cursor'],
      ['tenantId=x', 'tenantId'],
    ] as const) {
      expect(await get(api(`/api/v1/audit-events?${query}`), own.jwt)).toMatchObject(badRequest(field));
    }
    expect(await asOperator.get('/admin/v1/audit-events?tenantId=nope')).toMatchObject(badRequest('tenantId'));
  });
});

describe('suspension', () => {
  it("closes the tenant's live RM session and CEM channel at once, refuses everything new, and resuming lets it back", async () => {
    const own = await newTenant();
    const rm = await rmWithSession(broker.url, own);
    const cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    const rmPeer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await cem.next((frame) => frame.type === 'session.opened');
    const spare = await rmWithSession(broker.url, own);

    const suspended = await asOperator.patch(`/admin/v1/tenants/${own.id}`, { status: 'suspended' });
    expect(suspended).toMatchObject({ status: 200, body: { status: 'suspended' } });
    expect(await rmPeer.next(isS2('SessionRequest'))).toMatchObject({ request: 'RECONNECT' });
    expect(await rmPeer.closed).toEqual({ code: 4003, reason: 'tenant-suspended' });
    expect(await cem.closed).toEqual({ code: 4003, reason: 'tenant-suspended' });

    expect(
      await post(api('/api/v1/auth/token'), { clientId: own.clientId, clientSecret: own.clientSecret }),
    ).toMatchObject(unauthorized);
    expect(await get(api('/api/v1/service-accounts'), own.jwt)).toMatchObject(unauthorized);
    expect(await refusedStatus(wsUrl('/cem/v1/ws'), own.jwt)).toBe(401);
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), spare.websocketToken)).toBe(403);
    expect(await initiate(rm)).toMatchObject({ status: 400, body: { errorMessage: 'Other' } });

    expect(await asOperator.patch(`/admin/v1/tenants/${own.id}`, { status: 'active' })).toMatchObject({
      status: 200,
      body: { status: 'active' },
    });
    const jwt = await tokenFor(own.clientId, own.clientSecret);
    const back = await connect(wsUrl('/cem/v1/ws'), jwt);
    expect(await initiate(rm)).toMatchObject({ status: 200 });
    back.close();

    const audit = pageOf(await asOperator.get(`/admin/v1/audit-events?tenantId=${own.id}&subjectType=tenant`));
    expect(audit.items.slice(0, 2).map((event) => [event.action, event.actorType])).toEqual([
      ['tenant.resumed', 'operator'],
      ['tenant.suspended', 'operator'],
    ]);
  });
});

describe('deleting a tenant', () => {
  it('removes it with everything it owns, unpairs its live RM sessions and closes its CEM channels', async () => {
    const own = await newTenant();
    const rm = await rmWithSession(broker.url, own);
    const cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    const rmPeer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await cem.next((frame) => frame.type === 'session.opened');

    expect(await asOperator.del(`/admin/v1/tenants/${own.id}`)).toMatchObject({ status: 204 });
    expect(await rmPeer.next(isS2('SessionRequest'))).toMatchObject({ request: 'RECONNECT' });
    expect(await rmPeer.closed).toEqual({ code: 4001, reason: 'tenant-deleted' });
    expect(await cem.closed).toEqual({ code: 4003, reason: 'tenant-deleted' });

    expect(await asOperator.get(`/admin/v1/tenants/${own.id}`)).toMatchObject(notFound);
    expect(await asOperator.del(`/admin/v1/tenants/${own.id}`)).toMatchObject(notFound);
    expect(await asOperator.del('/admin/v1/tenants/nope')).toMatchObject(notFound);
    expect(await sql('SELECT 1 FROM cem_nodes WHERE tenant_id = $1', [own.id])).toEqual([]);
    expect(await sql('SELECT 1 FROM service_accounts WHERE tenant_id = $1', [own.id])).toEqual([]);
    expect(await get(api('/api/v1/service-accounts'), own.jwt)).toMatchObject(unauthorized);
    // Unpaired with it: the RM is told so (and stops retrying) rather than refused as a stranger.
    expect(await initiate(rm)).toMatchObject({ status: 400, body: { errorMessage: 'NoLongerPaired' } });

    const audit = pageOf(await asOperator.get(`/admin/v1/audit-events?subjectId=${own.id}`));
    expect(audit.items).toEqual([
      expect.objectContaining({
        action: 'tenant.deleted',
        actorType: 'operator',
        tenantId: null,
        data: { name: own.name },
      }),
    ]);
  });
});

describe('the session quota', () => {
  let own: OwnTenant;
  let first: RmWithSession;
  let second: RmWithSession;
  let firstPeer: Peer;

  beforeAll(async () => {
    own = await newTenant();
    await asOperator.patch(`/admin/v1/tenants/${own.id}`, { maxSessions: 1 });
    // Both sessions are initiated while none is live: the second is then stopped at its socket.
    first = await rmWithSession(broker.url, own);
    second = await rmWithSession(broker.url, own);
    firstPeer = await connect(wsUrl('/s2/v1/ws'), first.websocketToken);
  });

  afterAll(() => firstPeer?.close());

  it('refuses the session beyond maxSessions at the socket (403) and at initiateSession (Other)', async () => {
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), second.websocketToken)).toBe(403);
    expect(await initiate(second)).toMatchObject({
      status: 400,
      body: { errorMessage: 'Other', additionalInfo: expect.stringContaining('limit of live sessions') },
    });
  });

  it('lets an RM with a live session replace it, and the next RM in once a session ended', async () => {
    expect((await initiate(first)).status).toBe(200);
    firstPeer.close();
    await firstPeer.closed;
    await eventually(async () => (await initiate(second)).status === 200);
  });
});

describe('on every replica', () => {
  let second: Broker;

  beforeAll(async () => {
    second = await startBroker();
  });

  afterAll(async () => {
    await second?.stop();
  });

  const wsOf = (replica: Broker, path: string) => replica.url.replace('http', 'ws') + path;

  it("suspension closes the tenant's sockets on the replicas that did not take the request", async () => {
    const own = await newTenant();
    const rm = await rmWithSession(broker.url, own);
    const cem = await connect(wsOf(second, '/cem/v1/ws'), own.jwt);
    const rmPeer = await connect(wsOf(second, '/s2/v1/ws'), rm.websocketToken);
    await cem.next((frame) => frame.type === 'session.opened');

    expect((await asOperator.patch(`/admin/v1/tenants/${own.id}`, { status: 'suspended' })).status).toBe(200);
    expect(await rmPeer.next(isS2('SessionRequest'))).toMatchObject({ request: 'RECONNECT' });
    expect(await rmPeer.closed).toEqual({ code: 4003, reason: 'tenant-suspended' });
    expect(await cem.closed).toEqual({ code: 4003, reason: 'tenant-suspended' });
  });

  it("revocation closes the account's CEM channel on another replica", async () => {
    const own = await newTenant();
    const created = await post(api('/api/v1/service-accounts'), { name: 'elsewhere' }, own.jwt);
    const account = created.body as { id: string; clientId: string; clientSecret: string };
    const channel = await connect(wsOf(second, '/cem/v1/ws'), await tokenFor(account.clientId, account.clientSecret));
    expect((await post(api(`/api/v1/service-accounts/${account.id}/revoke`), {}, own.jwt)).status).toBe(200);
    expect(await channel.closed).toEqual({ code: 4004, reason: 'service-account-revoked' });
  });
});
