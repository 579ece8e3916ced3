// S2 Connect v1 session initiation and unpairing against the running broker: one test per row of the
// specification's initiateSession table, the access token rotation rules, and unpairing by the RM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '#security';
import { type Broker, startBroker } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  get,
  issueCode,
  pairByHand,
  post,
  rmNode,
  sql,
  TEST_DATABASE_URL,
  type Paired,
  type Tenant,
} from './support/s2-connect.js';
import { proxiedDatabase, type TcpProxy } from './support/tcp-proxy.js';
import { openTestRedis } from './support/redis.js';

let broker: Broker;
let tenant: Tenant;
let proxy: TcpProxy;
const redis = openTestRedis();
/** Every secret the broker handed out in this file, to look for in its logs at the end. */
const secrets = new Set<string>();

beforeAll(async () => {
  // The broker reaches PostgreSQL through a proxy that one test cuts.
  const database = await proxiedDatabase(TEST_DATABASE_URL);
  proxy = database.proxy;
  broker = await startBroker({ env: { DATABASE_URL: database.url } });
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
  await proxy?.close();
  redis.disconnect();
});

async function paired(rm = rmNode()): Promise<Paired> {
  const node = await createCemNode(broker.url, tenant);
  const code = await issueCode(broker.url, tenant, node);
  secrets.add(code.token);
  const result = await pairByHand(broker.url, code, 'localhost', rm);
  secrets.add(result.accessToken);
  return result;
}

function initiateBody(p: Paired, overrides: Record<string, unknown> = {}) {
  return {
    clientNodeId: p.rm.id,
    serverNodeId: p.cemNodeId,
    supportedS2MessageVersions: ['v0.0.2-beta', 'v1.0.0'],
    supportedCommunicationProtocols: ['WebSocket'],
    ...overrides,
  };
}

const initiate = (body: unknown, token?: string, raw = false) =>
  post(`${broker.url}/session/v1/initiateSession`, body, token, raw);
const confirm = (token?: string) => post(`${broker.url}/session/v1/confirmAccessToken`, undefined, token);
const unpair = (p: Paired, token?: string) =>
  post(`${broker.url}/session/v1/unpair`, { clientNodeId: p.rm.id, serverNodeId: p.cemNodeId }, token);

async function pendingToken(
  p: Paired,
  token = p.accessToken,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const answer = await initiate(initiateBody(p, overrides), token);
  expect(answer.status).toBe(200);
  const pending = (answer.body as { accessToken: string }).accessToken;
  secrets.add(pending);
  return pending;
}

describe('session initiation', () => {
  it('GET /session/ lists the implemented versions', async () => {
    expect(await get(`${broker.url}/session/`)).toMatchObject({ status: 200, body: ['v1'] });
  });

  it('initiate, then confirm: the pending token replaces the old one, and a websocket token is issued', async () => {
    const p = await paired();
    const answer = await initiate(initiateBody(p), p.accessToken);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        selectedCommunicationProtocol: 'WebSocket',
        selectedS2MessageVersion: 'v1.0.0',
        serverNodeDescription: { id: p.cemNodeId, role: 'CEM' },
        serverEndpointDescription: { name: tenant.name, deployment: 'WAN' },
      },
    });
    const pending = (answer.body as { accessToken: string }).accessToken;
    secrets.add(pending);
    expect(Buffer.from(pending, 'base64').length).toBeGreaterThanOrEqual(32);
    // Until it is confirmed, the old token still works and the pending one does not.
    expect((await initiate(initiateBody(p), pending)).status).toBe(401);
    const confirmed = await confirm(pending);
    expect(confirmed).toMatchObject({
      status: 200,
      body: { communicationProtocol: 'WebSocket', websocketUrl: `ws://localhost:${broker.port}/s2/v1/ws` },
    });
    const { websocketToken } = confirmed.body as { websocketToken: string };
    secrets.add(websocketToken);
    const key = `s2b:ws-token:${hashToken(websocketToken)}`;
    expect(JSON.parse((await redis.get(key)) as string)).toMatchObject({
      tenantId: tenant.id,
      cemNodeId: p.cemNodeId,
      rmNodeId: p.rm.id,
      s2Version: 'v1.0.0',
    });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(20);
    expect(ttl).toBeLessThanOrEqual(30);
    expect((await initiate(initiateBody(p), p.accessToken)).status).toBe(401);
    expect((await initiate(initiateBody(p), pending)).status).toBe(200);
    // Only hashes in the database.
    const stored = await sql<{ token_hash: string }>(`SELECT token_hash FROM access_tokens WHERE token_hash = $1`, [
      hashToken(pending),
    ]);
    expect(stored).toHaveLength(1);
  });

  it('selects v0.0.2-beta when that is all the RM speaks', async () => {
    const p = await paired();
    const answer = await initiate(initiateBody(p, { supportedS2MessageVersions: ['v0.0.2-beta'] }), p.accessToken);
    expect(answer).toMatchObject({ status: 200, body: { selectedS2MessageVersion: 'v0.0.2-beta' } });
    secrets.add((answer.body as { accessToken: string }).accessToken);
  });

  it('ParsingError: not JSON, or not following the schema; it comes before the 401 checks', async () => {
    const p = await paired();
    expect(await initiate('{', p.accessToken, true)).toMatchObject({
      status: 400,
      body: { errorMessage: 'ParsingError' },
    });
    expect(await initiate(initiateBody(p, { clientNodeId: 'not-a-uuid' }), 'wrong')).toMatchObject({
      status: 400,
      body: { errorMessage: 'ParsingError' },
    });
    const missing: Record<string, unknown> = initiateBody(p);
    delete missing.supportedS2MessageVersions;
    expect(await initiate(missing, p.accessToken)).toMatchObject({
      status: 400,
      body: { errorMessage: 'ParsingError' },
    });
  });

  it('stores the descriptions sent with initiateSession: the tenant API shows what the device says now', async () => {
    const p = await paired();
    const rmView = async () =>
      (await get(`${broker.url}/api/v1/rms/${p.rm.id}`, tenant.jwt)).body as { pairing: Record<string, unknown> };
    const node = { ...p.rm, modelName: 'V22 Pro', userDefinedName: 'Garage charger' };
    const endpoint = { name: 'Volta cloud v2', deployment: 'WAN' };
    const pending = await pendingToken(p, p.accessToken, { clientNodeDescription: node });
    expect((await rmView()).pairing).toMatchObject({
      rmNodeDescription: node,
      rmEndpointDescription: { name: 'Volta cloud', deployment: 'WAN' },
    });
    expect((await confirm(pending)).status).toBe(200);
    await pendingToken(p, pending, { clientEndpointDescription: endpoint });
    expect((await rmView()).pairing).toMatchObject({ rmNodeDescription: node, rmEndpointDescription: endpoint });
  });

  it('ParsingError: a clientNodeDescription of another node, or not of an RM; nothing is stored', async () => {
    const p = await paired();
    for (const [description, problem] of [
      [{ ...p.rm, id: rmNode().id }, 'clientNodeDescription.id must be clientNodeId'],
      [{ ...p.rm, role: 'CEM' }, 'clientNodeDescription.role must be RM'],
    ] as const) {
      expect(await initiate(initiateBody(p, { clientNodeDescription: description }), p.accessToken)).toMatchObject({
        status: 400,
        body: { errorMessage: 'ParsingError', additionalInfo: expect.stringContaining(problem) },
      });
    }
    const view = await get(`${broker.url}/api/v1/rms/${p.rm.id}`, tenant.jwt);
    expect((view.body as { pairing: unknown }).pairing).toMatchObject({ rmNodeDescription: p.rm });
  });

  it('NoLongerPaired: the nodes were paired, then unpaired', async () => {
    const p = await paired();
    expect((await unpair(p, p.accessToken)).status).toBe(204);
    expect(await initiate(initiateBody(p), p.accessToken)).toMatchObject({
      status: 400,
      body: { errorMessage: 'NoLongerPaired' },
    });
  });

  it('NoLongerPaired: the RM has since paired with another CEM node', async () => {
    const rm = rmNode();
    const first = await paired(rm);
    await paired(rm);
    expect(await initiate(initiateBody(first), first.accessToken)).toMatchObject({
      status: 400,
      body: { errorMessage: 'NoLongerPaired' },
    });
  });

  it('401: this clientNodeId is not paired with the serverNodeId', async () => {
    const p = await paired();
    expect((await initiate(initiateBody(p, { clientNodeId: rmNode().id }), p.accessToken)).status).toBe(401);
  });

  it('401: the serverNodeId is not known', async () => {
    const p = await paired();
    expect((await initiate(initiateBody(p, { serverNodeId: rmNode().id }), p.accessToken)).status).toBe(401);
  });

  it('401: not the access token of this node, or none', async () => {
    const p = await paired();
    const other = await paired();
    expect((await initiate(initiateBody(p), other.accessToken)).status).toBe(401);
    expect((await initiate(initiateBody(p), 'c29tZXRoaW5nIGVsc2UgZW50aXJlbHkgYW5kIGxvbmcgZW5vdWdo')).status).toBe(401);
    expect((await initiate(initiateBody(p))).status).toBe(401);
  });

  it('IncompatibleCommunicationProtocols', async () => {
    const p = await paired();
    expect(await initiate(initiateBody(p, { supportedCommunicationProtocols: ['MQTT'] }), p.accessToken)).toMatchObject(
      {
        status: 400,
        body: { errorMessage: 'IncompatibleCommunicationProtocols' },
      },
    );
  });

  it('IncompatibleS2MessageVersions', async () => {
    const p = await paired();
    expect(
      await initiate(initiateBody(p, { supportedS2MessageVersions: ['0.0.2-beta'] }), p.accessToken),
    ).toMatchObject({
      status: 400,
      body: { errorMessage: 'IncompatibleS2MessageVersions' },
    });
  });

  it('Other: the node is not ready (its tenant is suspended)', async () => {
    const own = await createTenant(broker);
    const node = await createCemNode(broker.url, own);
    const code = await issueCode(broker.url, own, node);
    const p = await pairByHand(broker.url, code, 'localhost');
    await sql(`UPDATE tenants SET status = 'SUSPENDED' WHERE id = $1`, [own.id]);
    expect(await initiate(initiateBody(p), p.accessToken)).toMatchObject({
      status: 400,
      body: { errorMessage: 'Other' },
    });
  });
});

describe('confirmAccessToken', () => {
  it('401 for a token that is not pending, or none', async () => {
    const p = await paired();
    expect((await confirm(p.accessToken)).status).toBe(401);
    expect((await confirm()).status).toBe(401);
  });

  it('401 for a pending token older than 15 seconds; the old token keeps working', async () => {
    const p = await paired();
    const pending = await pendingToken(p);
    await sql(`UPDATE access_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      hashToken(pending),
    ]);
    expect((await confirm(pending)).status).toBe(401);
    expect((await initiate(initiateBody(p), p.accessToken)).status).toBe(200);
  });

  it('a client that lost the answer tries its older token, then the newer: whichever is active is accepted', async () => {
    const p = await paired();
    const pending = await pendingToken(p);
    expect((await confirm(pending)).status).toBe(200);
    expect((await initiate(initiateBody(p), p.accessToken)).status).toBe(401);
    expect((await initiate(initiateBody(p), pending)).status).toBe(200);
  });

  it("two pending tokens confirmed at once: exactly one wins, and it is the pairing's only token", async () => {
    for (let round = 0; round < 5; round++) {
      const p = await paired();
      const [first, second] = [await pendingToken(p), await pendingToken(p)];
      const answers = await Promise.all([confirm(first), confirm(second)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      const winner = answers[0]?.status === 200 ? first : second;
      const tokens = await sql<{ token_hash: string; state: string }>(
        'SELECT token_hash, state FROM access_tokens WHERE pairing_id = (SELECT pairing_id FROM access_tokens WHERE token_hash = $1)',
        [hashToken(winner)],
      );
      expect(tokens).toEqual([{ token_hash: hashToken(winner), state: 'ACTIVE' }]);
      expect((await initiate(initiateBody(p), winner)).status).toBe(200);
    }
  });

  it('503 when PostgreSQL is away, and the old token keeps working', async () => {
    const p = await paired();
    const pending = await pendingToken(p);
    await proxy.cut();
    try {
      expect((await confirm(pending)).status).toBe(503);
    } finally {
      await proxy.restore();
    }
    let again = await initiate(initiateBody(p), p.accessToken);
    for (let i = 0; i < 20 && again.status === 503; i++) {
      // The pool reconnects on the next query.
      await new Promise((resolve) => setTimeout(resolve, 250));
      again = await initiate(initiateBody(p), p.accessToken);
    }
    expect(again.status).toBe(200);
    secrets.add((again.body as { accessToken: string }).accessToken);
  });
});

describe('unpair by the RM', () => {
  it('204, every token of the pairing removed, an event published; then 401', async () => {
    const p = await paired();
    const pending = await pendingToken(p);
    const since = (await redis.xrevrange('s2b:events', '+', '-', 'COUNT', 1))[0]?.[0] ?? '0';
    expect((await unpair(p, p.accessToken)).status).toBe(204);
    expect(await sql(`SELECT 1 FROM pairings WHERE rm_node_id = $1`, [p.rm.id])).toEqual([]);
    const tokens = await sql(`SELECT 1 FROM access_tokens WHERE token_hash = ANY($1)`, [
      [hashToken(p.accessToken), hashToken(pending)],
    ]);
    expect(tokens).toEqual([]);
    const events = (await redis.xrange('s2b:events', `(${since}`, '+')).map(
      ([, fields]) => JSON.parse(fields[1] as string) as Record<string, string>,
    );
    expect(events).toContainEqual({
      type: 'pairing.removed',
      tenantId: tenant.id,
      cemNodeId: p.cemNodeId,
      rmNodeId: p.rm.id,
      reason: 'unpaired-by-rm',
    });
    expect((await unpair(p, p.accessToken)).status).toBe(401);
  });

  it('401 for a token or nodes that do not match', async () => {
    const p = await paired();
    const other = await paired();
    expect((await unpair(p, other.accessToken)).status).toBe(401);
    expect(
      (
        await post(
          `${broker.url}/session/v1/unpair`,
          { clientNodeId: other.rm.id, serverNodeId: p.cemNodeId },
          p.accessToken,
        )
      ).status,
    ).toBe(401);
    expect((await unpair(p)).status).toBe(401);
    expect(await sql(`SELECT 1 FROM pairings WHERE rm_node_id = $1`, [p.rm.id])).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('never reach the log, and the log has only JSON lines', () => {
    const text = broker.stdout.join('\n') + broker.stderr.join('\n');
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets) expect(text.includes(secret), 'a secret in the log').toBe(false);
    expect(() => broker.logs()).not.toThrow();
  });
});
