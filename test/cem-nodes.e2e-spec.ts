// The tenant API's CEM nodes through the running broker: listing with cursors, lookup by externalRef,
// changes, deletion (which unpairs the node's RMs like the tenant's unpair), bulk creation, the quota.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem } from '#rm-client';
import { type Broker, startBroker } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  issueCode,
  post,
  RM_ENDPOINT,
  rmNode,
  rmWithSession,
  sql,
  type Tenant,
} from './support/s2-connect.js';
import { connect } from './support/ws-peer.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface NodeView {
  id: string;
  nodeIdAlias: string;
  brand: string;
  externalRef: string | null;
  userDefinedName: string | null;
  pairingCode?: { pairingUrl: string; pairingCode: string; nodeIdAlias: string; expiresAt: string | null };
}

interface NodePage {
  items: NodeView[];
  nextCursor: string | null;
}

let broker: Broker;
let tenant: Tenant;
let stranger: Tenant;

beforeAll(async () => {
  broker = await startBroker();
  [tenant, stranger] = await Promise.all([createTenant(broker), createTenant(broker)]);
});

afterAll(async () => {
  await broker?.stop();
});

async function call(method: string, path: string, jwt: string | undefined, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (jwt !== undefined) headers.authorization = `Bearer ${jwt}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${broker.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const nodeBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  brand: 'Acme',
  type: 'EMS',
  modelName: 'HEM-1',
  ...extra,
});

async function createNode(owner: Tenant, extra: Record<string, unknown> = {}): Promise<NodeView> {
  const answer = await call('POST', '/api/v1/cem-nodes', owner.jwt, nodeBody(extra));
  expect(answer.status).toBe(201);
  return answer.body as unknown as NodeView;
}

async function list(owner: Tenant, query = ''): Promise<NodePage> {
  const answer = await call('GET', `/api/v1/cem-nodes${query}`, owner.jwt);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as unknown as NodePage;
}

async function listAll(owner: Tenant, limit: number): Promise<{ pages: NodeView[][]; cursors: (string | null)[] }> {
  const pages: NodeView[][] = [];
  const cursors: (string | null)[] = [];
  let cursor: string | null = null;
  do {
    const page: NodePage = await list(owner, `?limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
    pages.push(page.items);
    cursors.push(page.nextCursor);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { pages, cursors };
}

async function nodeCount(owner: Tenant): Promise<number> {
  const [row] = await sql<{ n: string }>('SELECT count(*) AS n FROM cem_nodes WHERE tenant_id = $1', [owner.id]);
  return Number(row?.n);
}

const badRequest = (message: string | RegExp) => ({
  status: 400,
  body: {
    statusCode: 400,
    error: 'Bad Request',
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  },
});
const notFound = { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'CEM node not found' } };

describe('authentication', () => {
  it('every new endpoint answers 401 without a valid tenant JWT', async () => {
    const id = randomUUID();
    const calls: [string, string, unknown][] = [
      ['GET', '/api/v1/cem-nodes', undefined],
      ['PATCH', `/api/v1/cem-nodes/${id}`, { brand: 'x' }],
      ['DELETE', `/api/v1/cem-nodes/${id}`, undefined],
      ['POST', '/api/v1/cem-nodes:batch', { nodes: [nodeBody()] }],
    ];
    for (const [method, path, body] of calls) {
      for (const jwt of [undefined, 'not.a.jwt']) {
        const answer = await call(method, path, jwt, body);
        expect(answer.status, `${method} ${path}`).toBe(401);
      }
    }
  });
});

describe('GET /api/v1/cem-nodes', () => {
  let owner: Tenant;
  let created: NodeView[];

  beforeAll(async () => {
    owner = await createTenant(broker);
    created = [];
    for (let i = 0; i < 5; i++) created.push(await createNode(owner, { externalRef: `site-${i}` }));
  });

  it('an empty tenant gets an empty page and no cursor', async () => {
    expect(await list(await createTenant(broker))).toEqual({ items: [], nextCursor: null });
  });

  it('lists the tenant’s nodes oldest first, 50 by default, and nothing of other tenants', async () => {
    await createNode(stranger);
    const page = await list(owner);
    expect(page.items.map((n) => n.id)).toEqual(created.map((n) => n.id));
    expect(page.items[0]).toEqual(created[0]);
    expect(page.nextCursor).toBeNull();
  });

  it('pages through with the cursor; the last page has a null cursor', async () => {
    const { pages, cursors } = await listAll(owner, 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((n) => n.id)).toEqual(created.map((n) => n.id));
    expect(cursors.at(-1)).toBeNull();
    expect(cursors.slice(0, -1).every((c) => typeof c === 'string')).toBe(true);
  });

  it('a page that ends exactly at the last node has no cursor; limit 1000 is allowed', async () => {
    expect(await list(owner, '?limit=5')).toEqual({ items: created, nextCursor: null });
    expect((await list(owner, '?limit=1000')).items).toHaveLength(5);
    const { pages } = await listAll(owner, 1);
    expect(pages.map((p) => p.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('a node added after the cursor was handed out appears on a later page, none twice', async () => {
    const own = await createTenant(broker);
    const first = await createNode(own);
    const page = await list(own, '?limit=1');
    expect(page.items.map((n) => n.id)).toEqual([first.id]);
    expect(page.nextCursor).toBeNull();
    const second = await createNode(own);
    const cursor = (await list(own, '?limit=1')).nextCursor;
    expect((await list(own, `?limit=1&cursor=${cursor}`)).items.map((n) => n.id)).toEqual([second.id]);
  });

  it('refuses bad limits and cursors with 400 naming the parameter', async () => {
    const bad = async (query: string) => call('GET', `/api/v1/cem-nodes${query}`, owner.jwt);
    expect(await bad('?limit=0')).toMatchObject(badRequest('limit: must be at least 1'));
    expect(await bad('?limit=1001')).toMatchObject(badRequest('limit: must be at most 1000'));
    expect(await bad('?limit=ten')).toMatchObject(badRequest('limit: must be a number'));
    expect(await bad('?limit=2.5')).toMatchObject(badRequest('limit: must be an integer'));
    expect(await bad('?cursor=nonsense')).toMatchObject(badRequest('cursor: is not a cursor of this listing'));
    const forged = Buffer.from(JSON.stringify([1, 'not-a-uuid'])).toString('base64url');
    expect(await bad(`?cursor=${forged}`)).toMatchObject(badRequest('cursor: is not a cursor of this listing'));
    expect(await bad('?colour=blue')).toMatchObject(badRequest('colour: is not allowed'));
  });

  it('?externalRef= finds the one node with it, only in the caller’s tenant', async () => {
    expect((await list(owner, '?externalRef=site-3')).items).toEqual([created[3]]);
    expect(await list(owner, '?externalRef=nowhere')).toEqual({ items: [], nextCursor: null });
    expect(await list(stranger, '?externalRef=site-3')).toEqual({ items: [], nextCursor: null });
  });
});

describe('PATCH /api/v1/cem-nodes/{id}', () => {
  it('changes the descriptions; null clears an optional one; absent ones stay', async () => {
    const node = await createNode(tenant, { userDefinedName: 'Home', externalRef: `p-${randomUUID()}` });
    const answer = await call('PATCH', `/api/v1/cem-nodes/${node.id}`, tenant.jwt, {
      brand: 'Acme 2',
      modelName: 'HEM-2',
      userDefinedName: null,
      logoUrl: 'https://acme.example/l.png',
      externalRef: null,
    });
    expect(answer.status).toBe(200);
    const expected = {
      ...node,
      brand: 'Acme 2',
      modelName: 'HEM-2',
      userDefinedName: null,
      logoUrl: 'https://acme.example/l.png',
      externalRef: null,
    };
    expect(answer.body).toEqual(expected);
    expect((await call('GET', `/api/v1/cem-nodes/${node.id}`, tenant.jwt)).body).toEqual(expected);
    const audit = await sql('SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY id', [node.id]);
    expect(audit.map((row) => row.action)).toEqual(['cem_node.created', 'cem_node.updated']);
  });

  it('409 for an externalRef another node of the tenant has; its own is fine; another tenant’s is free', async () => {
    const ref = `taken-${randomUUID()}`;
    const holder = await createNode(tenant, { externalRef: ref });
    const other = await createNode(tenant);
    expect(await call('PATCH', `/api/v1/cem-nodes/${other.id}`, tenant.jwt, { externalRef: ref })).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: expect.stringContaining('externalRef') },
    });
    expect((await call('PATCH', `/api/v1/cem-nodes/${holder.id}`, tenant.jwt, { externalRef: ref })).status).toBe(200);
    const foreign = await createNode(stranger);
    expect((await call('PATCH', `/api/v1/cem-nodes/${foreign.id}`, stranger.jwt, { externalRef: ref })).status).toBe(
      200,
    );
  });

  it('400 naming the field', async () => {
    const node = await createNode(tenant);
    const patch = (body: unknown) => call('PATCH', `/api/v1/cem-nodes/${node.id}`, tenant.jwt, body);
    expect(await patch({ brand: '' })).toMatchObject(badRequest('brand: must not be empty'));
    expect(await patch({ brand: null })).toMatchObject(badRequest('brand: must be a string'));
    expect(await patch({ logoUrl: 'ftp://x' })).toMatchObject(
      badRequest('logoUrl: must be an http:// or https:// URL'),
    );
    expect(await patch({ id: randomUUID() })).toMatchObject(badRequest('id: is not allowed'));
  });

  it('404 for another tenant’s node, an unknown id and a non-UUID', async () => {
    const foreign = await createNode(stranger);
    for (const id of [foreign.id, randomUUID(), 'abc']) {
      expect(await call('PATCH', `/api/v1/cem-nodes/${id}`, tenant.jwt, { brand: 'Mine' })).toMatchObject(notFound);
    }
    expect((await call('GET', `/api/v1/cem-nodes/${foreign.id}`, stranger.jwt)).body.brand).toBe('Acme');
  });
});

describe('DELETE /api/v1/cem-nodes/{id}', () => {
  it('204; the node and its pairing code are gone; 404 after', async () => {
    const node = await createCemNode(broker.url, tenant);
    await issueCode(broker.url, tenant, node);
    expect((await call('DELETE', `/api/v1/cem-nodes/${node.id}`, tenant.jwt)).status).toBe(204);
    expect(await call('GET', `/api/v1/cem-nodes/${node.id}`, tenant.jwt)).toMatchObject(notFound);
    expect(await call('DELETE', `/api/v1/cem-nodes/${node.id}`, tenant.jwt)).toMatchObject(notFound);
    expect(await sql('SELECT 1 FROM pairing_codes WHERE cem_node_id = $1', [node.id])).toEqual([]);
    const audit = await sql('SELECT action, actor_type FROM audit_events WHERE subject_id = $1 ORDER BY id', [node.id]);
    expect(audit.at(-1)).toEqual({ action: 'cem_node.deleted', actor_type: 'service_account' });
  });

  it('404 for another tenant’s node, which stays', async () => {
    const foreign = await createNode(stranger);
    expect(await call('DELETE', `/api/v1/cem-nodes/${foreign.id}`, tenant.jwt)).toMatchObject(notFound);
    expect((await call('GET', `/api/v1/cem-nodes/${foreign.id}`, stranger.jwt)).status).toBe(200);
  });

  it('unpairs a connected RM as the tenant’s unpair does: RECONNECT and close, session.closed and pairing.removed, NoLongerPaired', async () => {
    const own = await createTenant(broker);
    const rm = await rmWithSession(broker.url, own);
    // A second RM, paired but not connected.
    const code = await issueCode(broker.url, own, { id: rm.cemNodeId, nodeIdAlias: '' });
    await pairWithCem({
      pairingUrl: code.pairingUrl,
      pairingCode: code.pairingCode,
      node: rmNode(),
      endpoint: RM_ENDPOINT,
    });
    const cem = await connect(`${broker.url.replace('http', 'ws')}/cem/v1/ws`, own.jwt);
    const peer = await connect(`${broker.url.replace('http', 'ws')}/s2/v1/ws`, rm.websocketToken);
    await cem.next((f) => f.type === 'session.opened');

    expect((await call('DELETE', `/api/v1/cem-nodes/${rm.cemNodeId}`, own.jwt)).status).toBe(204);

    expect(await peer.next((f) => f.message_type === 'SessionRequest')).toMatchObject({ request: 'RECONNECT' });
    expect((await peer.closed).code).toBe(4001);
    expect(await cem.next((f) => f.rmNodeId === rm.rmNodeId)).toMatchObject({
      type: 'session.closed',
      rmNodeId: rm.rmNodeId,
      cemNodeId: rm.cemNodeId,
    });
    expect(await cem.next((f) => f.rmNodeId === rm.rmNodeId)).toEqual({
      type: 'pairing.removed',
      rmNodeId: rm.rmNodeId,
      cemNodeId: rm.cemNodeId,
      reason: 'cem-node-deleted',
    });
    const again = await post(
      `${rm.initiateSessionUrl}v1/initiateSession`,
      {
        clientNodeId: rm.rmNodeId,
        serverNodeId: rm.cemNodeId,
        supportedS2MessageVersions: ['v1.0.0'],
        supportedCommunicationProtocols: ['WebSocket'],
      },
      rm.accessToken,
    );
    expect(again).toMatchObject({ status: 400, body: { errorMessage: 'NoLongerPaired' } });
    const tombstones = await sql('SELECT reason FROM unpaired_pairings WHERE cem_node_id = $1', [rm.cemNodeId]);
    expect(tombstones.map((t) => t.reason)).toEqual(['cem-node-deleted', 'cem-node-deleted']);
    expect(await sql('SELECT 1 FROM pairings WHERE cem_node_id = $1', [rm.cemNodeId])).toEqual([]);
    cem.close();
  });
});

describe('POST /api/v1/cem-nodes:batch', () => {
  const batch = (owner: Tenant, body: unknown) => call('POST', '/api/v1/cem-nodes:batch', owner.jwt, body);

  it('creates every node, in request order, with a pairing code each when asked', async () => {
    const own = await createTenant(broker);
    const refs = ['c', 'a', 'b'].map((r) => `${r}-${randomUUID()}`);
    const answer = await batch(own, {
      nodes: refs.map((externalRef, i) => nodeBody({ externalRef, userDefinedName: `Home ${i}` })),
      pairingCodes: { ttlSeconds: 600 },
    });
    expect(answer.status).toBe(201);
    const items = answer.body.items as NodeView[];
    expect(items.map((n) => n.externalRef)).toEqual(refs);
    expect(items.map((n) => n.userDefinedName)).toEqual(['Home 0', 'Home 1', 'Home 2']);
    for (const item of items) {
      expect(item.pairingCode).toEqual({
        pairingUrl: `http://localhost:${broker.port}/pairing/`,
        pairingCode: expect.stringMatching(new RegExp(`^${item.nodeIdAlias}-[0-9a-zA-Z]{10}$`)),
        nodeIdAlias: item.nodeIdAlias,
        expiresAt: expect.any(String),
      });
      const { pairingCode: _code, ...node } = item;
      expect((await call('GET', `/api/v1/cem-nodes/${item.id}`, own.jwt)).body).toEqual(node);
    }
    expect((await list(own)).items.map((n) => n.id).sort()).toEqual(items.map((n) => n.id).sort());
    const code = items[1]?.pairingCode;
    const pairing = await pairWithCem({
      pairingUrl: code?.pairingUrl ?? '',
      pairingCode: code?.pairingCode ?? '',
      node: rmNode(),
      endpoint: RM_ENDPOINT,
    });
    expect(pairing.serverNodeDescription.id).toBe(items[1]?.id);
  });

  it('a batch of 1000 with dynamic codes: 201, every alias distinct, one audit row per node and code', async () => {
    const own = await createTenant(broker);
    const nodes = Array.from({ length: 1000 }, (_, i) => nodeBody({ externalRef: `site-${i}` }));
    const answer = await batch(own, { nodes, pairingCodes: { ttlSeconds: 600 } });
    expect(answer.status).toBe(201);
    const items = answer.body.items as NodeView[];
    expect(items.map((n) => n.externalRef)).toEqual(nodes.map((n) => n.externalRef));
    expect(new Set(items.map((n) => n.nodeIdAlias)).size).toBe(1000);
    const expiresAt = new Date(items[0]?.pairingCode?.expiresAt ?? 0).getTime() - Date.now();
    expect(expiresAt).toBeGreaterThan(500_000);
    expect(expiresAt).toBeLessThanOrEqual(600_000);
    expect(await nodeCount(own)).toBe(1000);
    const [codes] = await sql<{ n: string }>('SELECT count(*) AS n FROM pairing_codes WHERE tenant_id = $1', [own.id]);
    expect(Number(codes?.n)).toBe(1000);
    const audit = await sql<{ action: string; n: string }>(
      `SELECT action, count(*) AS n FROM audit_events WHERE tenant_id = $1 AND subject_type = 'cem_node'
       GROUP BY action ORDER BY action`,
      [own.id],
    );
    expect(audit.map((a) => [a.action, Number(a.n)])).toEqual([
      ['cem_node.created', 1000],
      ['pairing_code.issued', 1000],
    ]);
  });

  it('400 naming the index and field of a bad item; nothing is written', async () => {
    const own = await createTenant(broker);
    const nodes: Record<string, unknown>[] = Array.from({ length: 20 }, () => nodeBody());
    nodes[12] = { type: 'EMS', modelName: 'HEM-1' };
    expect(await batch(own, { nodes })).toMatchObject(badRequest('nodes[12].brand: is required'));
    const many = Array.from({ length: 50 }, () => ({ ...nodeBody(), brand: '' }));
    expect(await batch(own, { nodes: many })).toMatchObject(
      badRequest(/^nodes\[0\]\.brand: must not be empty; .*; and 40 more$/),
    );
    expect(await batch(own, { nodes: [] })).toMatchObject(badRequest('nodes: must be at least 1'));
    expect(await batch(own, { nodes: Array.from({ length: 1001 }, () => nodeBody()) })).toMatchObject(
      badRequest('nodes: must be at most 1000'),
    );
    expect(await batch(own, { nodes: [nodeBody()], pairingCodes: { ttlSeconds: 5 } })).toMatchObject(
      badRequest('pairingCodes.ttlSeconds: must be at least 30'),
    );
    expect(await batch(own, { nodes: [nodeBody()], pairingCodes: { kind: 'static' } })).toMatchObject(
      badRequest(/^pairingCodes\.kind: static pairing codes are not issued: S2 Connect allows them only for nodes/),
    );
    expect(await batch(own, {})).toMatchObject(badRequest('nodes: is required'));
    expect(await batch(own, '{"nodes": [')).toMatchObject(badRequest('body: is not JSON'));
    expect(await nodeCount(own)).toBe(0);
  });

  it('409 for an externalRef repeated in the batch or held by an existing node; nothing is written', async () => {
    const own = await createTenant(broker);
    await createNode(own, { externalRef: 'existing' });
    const repeated = await batch(own, {
      nodes: [nodeBody({ externalRef: 'a' }), nodeBody({ externalRef: 'b' }), nodeBody({ externalRef: 'a' })],
    });
    expect(repeated).toMatchObject({
      status: 409,
      body: { error: 'Conflict', message: 'nodes[2].externalRef: nodes[0] has the same externalRef' },
    });
    const existing = await batch(own, {
      nodes: [nodeBody({ externalRef: 'new' }), nodeBody({ externalRef: 'existing' }), nodeBody()],
    });
    expect(existing).toMatchObject({
      status: 409,
      body: { message: 'nodes[1].externalRef: another CEM node of this tenant has it' },
    });
    expect(await nodeCount(own)).toBe(1);
  });

  it('is its own route: not a node id, and no other method', async () => {
    expect((await call('GET', '/api/v1/cem-nodes:batch', tenant.jwt)).status).toBe(404);
    expect((await call('POST', '/api/v1/cem-nodes:batches', tenant.jwt, { nodes: [nodeBody()] })).status).toBe(404);
    expect((await call('POST', '/api/v1/cem-nodes/:batch', tenant.jwt, { nodes: [nodeBody()] })).status).toBe(404);
  });

  it('takes bodies up to 4 MiB and refuses larger ones with 413', async () => {
    const big = { nodes: [nodeBody({ userDefinedName: 'x'.repeat(5 * 1024 * 1024) })] };
    expect((await batch(tenant, big)).status).toBe(413);
  });
});

describe('the CEM node quota (maxCemNodes)', () => {
  it('is enforced on single and batch creation with 409 naming the quota; a refused batch writes nothing', async () => {
    const own = await createTenant(broker);
    await sql('UPDATE tenants SET max_cem_nodes = 3 WHERE id = $1', [own.id]);
    await createNode(own);
    await createNode(own);
    const refused = await call('POST', '/api/v1/cem-nodes:batch', own.jwt, { nodes: [nodeBody(), nodeBody()] });
    expect(refused).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: expect.stringContaining('maxCemNodes') },
    });
    expect(await nodeCount(own)).toBe(2);
    expect((await call('POST', '/api/v1/cem-nodes:batch', own.jwt, { nodes: [nodeBody()] })).status).toBe(201);
    expect(await call('POST', '/api/v1/cem-nodes', own.jwt, nodeBody())).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('maxCemNodes') },
    });
    expect(await nodeCount(own)).toBe(3);
  });

  it('concurrent creations cannot both take the last slot', async () => {
    const own = await createTenant(broker);
    await sql('UPDATE tenants SET max_cem_nodes = 1 WHERE id = $1', [own.id]);
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => call('POST', '/api/v1/cem-nodes', own.jwt, nodeBody())),
      ...Array.from({ length: 4 }, () => call('POST', '/api/v1/cem-nodes:batch', own.jwt, { nodes: [nodeBody()] })),
    ]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    expect(await nodeCount(own)).toBe(1);
  });

  it('null is unlimited', async () => {
    const own = await createTenant(broker);
    await sql('UPDATE tenants SET max_cem_nodes = NULL WHERE id = $1', [own.id]);
    expect((await call('POST', '/api/v1/cem-nodes:batch', own.jwt, { nodes: [nodeBody(), nodeBody()] })).status).toBe(
      201,
    );
  });
});
