// What an operator reads off a running broker: a request id (and the tenant) on every HTTP request,
// one log line per session and channel opened or closed and per refused upgrade, counted upgrades,
// session starts and pairing attempts by outcome, routed messages in the latency histogram and by
// type, Redis and PostgreSQL errors, and no secret in any line of the whole run.
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { receptionStatus } from '#s2-json';
import { powerMeasurement, resourceManagerDetails } from '#s2-json/testing';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import {
  createTenant,
  post,
  requestPairingBody,
  rmWithSession,
  type RmWithSession,
  type Tenant,
} from './support/s2-connect.js';
import { connect, type Peer, refusedStatus } from './support/ws-peer.js';

let broker: Broker;
let tenant: Tenant;
let clientSecret: string;
const secrets: string[] = [TEST_OPERATOR_TOKEN];

beforeAll(async () => {
  broker = await startBroker();
  const created = await post(`${broker.internalUrl}/admin/v1/tenants`, { name: 'observed' }, TEST_OPERATOR_TOKEN);
  const { id, serviceAccount } = created.body as { id: string; serviceAccount: { clientSecret: string } };
  clientSecret = serviceAccount.clientSecret;
  const token = await post(`${broker.url}/api/v1/auth/token`, serviceAccount);
  const jwt = (token.body as { accessToken: string }).accessToken;
  tenant = { id, name: 'observed', jwt };
  secrets.push(clientSecret, jwt);
});

afterAll(async () => {
  await broker?.stop();
});

const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;
const scrape = async () => (await fetch(`${broker.internalUrl}/metrics`)).text();
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('request ids', () => {
  it("keep a caller's sane x-request-id, echo it and log it with the request", async () => {
    const res = await fetch(`${broker.url}/api/v1/cem-nodes`, {
      headers: { authorization: `Bearer ${tenant.jwt}`, 'x-request-id': 'trace-7f3a.1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-7f3a.1');
    const line = await broker.waitForLog((l) => l.msg === 'request' && l.requestId === 'trace-7f3a.1');
    expect(line).toMatchObject({ path: '/api/v1/cem-nodes', status: 200 });
  });

  it('give a request without one, or with one that is not a plain token, a generated id', async () => {
    const none = await fetch(`${broker.url}/health/live`);
    const bad = await fetch(`${broker.url}/health/live`, { headers: { 'x-request-id': '{"level":60}' } });
    const ids = [none.headers.get('x-request-id'), bad.headers.get('x-request-id')];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('sessions and upgrades', () => {
  let rm: RmWithSession;

  it('log each session and channel opened and closed with its tenant and session ids, and count the upgrades', async () => {
    const before = await scrape();
    rm = await rmWithSession(broker.url, tenant);
    secrets.push(rm.accessToken, rm.websocketToken);
    const cem = await connect(wsUrl('/cem/v1/ws'), tenant.jwt);
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await cem.next((f) => f.type === 'session.opened');
    const opened = await broker.waitForLog((l) => l.msg === 'RM session opened' && l.rmNodeId === rm.rmNodeId);
    expect(opened).toMatchObject({ tenantId: tenant.id, cemNodeId: rm.cemNodeId });
    expect(typeof opened.sessionId).toBe('string');
    const channel = await broker.waitForLog((l) => l.msg === 'CEM channel opened' && l.tenantId === tenant.id);
    const after = await scrape();
    for (const endpoint of ['rm', 'cem']) {
      const series = `s2b_ws_upgrades_accepted_total{endpoint="${endpoint}"}`;
      expect((value(after, series) ?? 0) - (value(before, series) ?? 0)).toBe(1);
    }
    peer.close();
    const closed = await broker.waitForLog((l) => l.msg === 'RM session closed' && l.rmNodeId === rm.rmNodeId);
    expect(closed).toMatchObject({ tenantId: tenant.id, sessionId: opened.sessionId });
    cem.close();
    await broker.waitForLog((l) => l.msg === 'CEM channel closed' && l.channelId === channel.channelId);
  });

  it('log a refused upgrade with its endpoint, status and reason, never the token it carried', async () => {
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), 'a-token-that-opens-nothing-at-all')).toBe(401);
    const line = await broker.waitForLog((l) => l.msg === 'WebSocket upgrade refused' && l.endpoint === 'rm');
    expect(line).toMatchObject({ status: 401, reason: 'websocket token not accepted' });
    expect(broker.stdout.join('\n')).not.toContain('a-token-that-opens-nothing-at-all');
  });

  it("give an upgrade a request id, the caller's or a fresh one, on the answer and on its log line", async () => {
    const refused = await upgradeAnswer(wsUrl('/s2/v1/ws'), 'no-such-websocket-token-111', 'upgrade-refused-1');
    expect(refused).toEqual({ status: 401, requestId: 'upgrade-refused-1' });
    const refusal = await broker.waitForLog(
      (l) => l.msg === 'WebSocket upgrade refused' && l.requestId === refused.requestId,
    );
    expect(refusal).toMatchObject({ endpoint: 'rm', status: 401 });

    const rm = await rmWithSession(broker.url, tenant);
    secrets.push(rm.accessToken, rm.websocketToken);
    const accepted = await upgradeAnswer(wsUrl('/s2/v1/ws'), rm.websocketToken);
    expect(accepted.status).toBe(101);
    expect(accepted.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const opened = await broker.waitForLog((l) => l.msg === 'RM session opened' && l.rmNodeId === rm.rmNodeId);
    expect(opened).toMatchObject({ requestId: accepted.requestId, tenantId: tenant.id });
    const closed = await broker.waitForLog((l) => l.msg === 'RM session closed' && l.rmNodeId === rm.rmNodeId);
    expect(closed).toMatchObject({ tenantId: tenant.id, sessionId: opened.sessionId });
  });

  it('log the tenant of a refused upgrade whose token named one, and never that token', async () => {
    const nowhere = '0b7d4c3e-9a1f-4d4b-8c8e-0a1b6f1c2e9a';
    const refused = await upgradeAnswer(wsUrl(`/cem/v1/ws?cemNodeId=${nowhere}`), tenant.jwt);
    expect(refused.status).toBe(404);
    const line = await broker.waitForLog(
      (l) => l.msg === 'WebSocket upgrade refused' && l.requestId === refused.requestId,
    );
    expect(line).toMatchObject({ endpoint: 'cem', status: 404, tenantId: tenant.id });
    expect(broker.stdout.join('\n')).not.toContain(tenant.jwt);
  });

  it('export the slow-close and accepted-upgrade series before anything happened to them', async () => {
    const text = await scrape();
    for (const series of [
      's2b_slow_closes_total{peer="rm"}',
      's2b_slow_closes_total{peer="cem"}',
      's2b_ws_upgrades_accepted_total{endpoint="rm"}',
    ])
      expect(value(text, series)).toBeTypeOf('number');
  });
});

/**
 * The status and `x-request-id` an upgrade is answered with: 101 for a socket (closed at once), else
 * the refusal's HTTP status.
 */
function upgradeAnswer(url: string, bearer: string, requestId?: string) {
  return new Promise<{ status: number; requestId: string | undefined }>((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${bearer}`, ...(requestId === undefined ? {} : { 'x-request-id': requestId }) },
    });
    const answer = (res: IncomingMessage) => ({
      status: res.statusCode ?? 0,
      requestId: res.headers['x-request-id'] as string,
    });
    socket.once('upgrade', (res) => {
      resolve(answer(res));
      socket.once('open', () => socket.close());
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(answer(res));
      res.resume();
    });
    socket.once('error', reject);
  });
}

/** How much each series rose between two scrapes (0 for one that is in neither). */
const rise = (before: string, after: string, series: string) =>
  (value(after, series) ?? 0) - (value(before, series) ?? 0);

describe('session starts and pairing attempts', () => {
  it('count each step ok, and a refused confirmAccessToken, upgrade and requestPairing by their outcome', async () => {
    const before = await scrape();
    const rm = await rmWithSession(broker.url, tenant);
    secrets.push(rm.accessToken, rm.websocketToken);
    const refused = await post(`${broker.url}/session/v1/confirmAccessToken`, undefined, 'no-such-pending-token-000');
    expect(refused.status).toBe(401);
    const unknownNode = await post(
      `${broker.url}/pairing/v1/requestPairing`,
      requestPairingBody({ nodeIdAlias: 'nosuchalias' }),
    );
    expect(unknownNode.body).toMatchObject({ errorMessage: 'NodeNotFound' });
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), 'no-such-websocket-token-000')).toBe(401);
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await broker.waitForLog((l) => l.msg === 'RM session opened' && l.rmNodeId === rm.rmNodeId);
    const after = await scrape();
    peer.close();
    const rows: [string, string, string][] = [
      ['session_starts', 'initiateSession', 'ok'],
      ['session_starts', 'confirmAccessToken', 'ok'],
      ['session_starts', 'confirmAccessToken', 'unauthorized'],
      ['session_starts', 'upgrade', 'ok'],
      ['session_starts', 'upgrade', 'unauthorized'],
      ['pairing_attempts', 'requestPairing', 'ok'],
      ['pairing_attempts', 'requestConnectionDetails', 'ok'],
      ['pairing_attempts', 'finalizePairing', 'ok'],
      ['pairing_attempts', 'requestPairing', 'node_not_found'],
    ];
    for (const [metric, step, outcome] of rows) {
      const series = `s2b_${metric}_total{step="${step}",outcome="${outcome}"}`;
      expect({ series, rise: rise(before, after, series) }).toEqual({ series, rise: 1 });
    }
  });
});

describe('routed messages', () => {
  it('land in the routing latency histogram of their direction and are counted by type, unknown types as other', async () => {
    const rm = await rmWithSession(broker.url, tenant);
    secrets.push(rm.accessToken, rm.websocketToken);
    const cem = await connect(wsUrl('/cem/v1/ws'), tenant.jwt);
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    try {
      await cem.next(
        (f) => f.type === 'session.opened' && (f.session as { rmNodeId: string }).rmNodeId === rm.rmNodeId,
      );
      const before = await scrape();
      const details = resourceManagerDetails();
      peer.send(details);
      peer.send(powerMeasurement(1));
      await cem.next(
        (f) => f.type === 'message' && (f.message as { message_type: string }).message_type === 'PowerMeasurement',
      );
      cem.send({
        type: 'message',
        rmNodeId: rm.rmNodeId,
        message: receptionStatus(details.message_id as string, 'OK'),
      });
      await peer.next((f) => f.message_type === 'ReceptionStatus' && f.subject_message_id === details.message_id);
      const teleport = '5d4f2a1c-0b7e-4f3a-9c2d-1e8b7a6f5c4d';
      peer.send({ message_type: 'Teleport', message_id: teleport });
      await peer.next((f) => f.message_type === 'ReceptionStatus' && f.subject_message_id === teleport);
      const after = await scrape();
      const latency = (direction: string) =>
        rise(before, after, `s2b_routing_latency_seconds_count{direction="${direction}"}`);
      expect(latency('rm_to_cem')).toBe(2);
      expect(latency('cem_to_rm')).toBe(1);
      // Every routed message is in the +Inf bucket; on one replica, well within a second.
      const bucket = (le: string) =>
        rise(before, after, `s2b_routing_latency_seconds_bucket{direction="rm_to_cem",le="${le}"}`);
      expect(bucket('+Inf')).toBe(2);
      expect(bucket('1')).toBe(2);
      const typed = (direction: string, type: string) =>
        rise(before, after, `s2b_messages_received_total{direction="${direction}",type="${type}"}`);
      expect(typed('rm_to_cem', 'ResourceManagerDetails')).toBe(1);
      expect(typed('rm_to_cem', 'PowerMeasurement')).toBe(1);
      expect(typed('cem_to_rm', 'ReceptionStatus')).toBe(1);
      expect(typed('rm_to_cem', 'other')).toBe(1);
      expect(after).not.toContain('Teleport');
    } finally {
      peer.close();
      cem.close();
    }
  });
});

describe('request logs', () => {
  it("carry the tenant of a tenant's request, and of an operator's request about one tenant", async () => {
    const mine = await fetch(`${broker.url}/api/v1/cem-nodes`, {
      headers: { authorization: `Bearer ${tenant.jwt}`, 'x-request-id': 'tenant-call-1' },
    });
    expect(mine.status).toBe(200);
    const tenantLine = await broker.waitForLog((l) => l.msg === 'request' && l.requestId === 'tenant-call-1');
    expect(tenantLine.tenantId).toBe(tenant.id);
    const operator = await fetch(`${broker.internalUrl}/admin/v1/tenants/${tenant.id}`, {
      headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}`, 'x-request-id': 'operator-call-1' },
    });
    expect(operator.status).toBe(200);
    const operatorLine = await broker.waitForLog((l) => l.msg === 'request' && l.requestId === 'operator-call-1');
    expect(operatorLine.tenantId).toBe(tenant.id);
  });
});

describe("a device's S2 Connect requests", () => {
  it('log the tenant and nodes they turned out to be about, and a refused one its outcome', async () => {
    const rm = await rmWithSession(broker.url, tenant);
    secrets.push(rm.accessToken, rm.websocketToken);
    const ids = { tenantId: tenant.id, cemNodeId: rm.cemNodeId };
    for (const path of ['/pairing/v1/requestPairing', '/pairing/v1/requestConnectionDetails'])
      await broker.waitForLog((l) => l.path === path && l.cemNodeId === rm.cemNodeId && l.tenantId === tenant.id);
    for (const path of ['/session/v1/initiateSession', '/session/v1/confirmAccessToken']) {
      const line = await broker.waitForLog((l) => l.path === path && l.rmNodeId === rm.rmNodeId);
      expect(line).toMatchObject({ ...ids, status: 200 });
    }
    const refused = await fetch(`${broker.url}/pairing/v1/requestPairing`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'pairing-refused-1' },
      body: JSON.stringify(requestPairingBody({ nodeIdAlias: 'nosuchalias' })),
    });
    expect(refused.status).toBe(400);
    const line = await broker.waitForLog((l) => l.requestId === 'pairing-refused-1');
    expect(line).toMatchObject({ outcome: 'node_not_found', status: 400 });
    expect(line.tenantId).toBeUndefined();
  });
});

describe('live sessions and channels by tenant', () => {
  it('show the tenant METRICS_TENANTS names by its id, the others as other, and fall as sessions close', async () => {
    const [shown, hidden] = [await createTenant(broker), await createTenant(broker)];
    // The label set is fixed when the gateway starts: only now is the shown tenant's id known.
    const gateway = await startBroker({ env: { METRICS_TENANTS: shown.id } });
    const peers: Peer[] = [];
    try {
      const wsAt = (path: string) => gateway.url.replace('http', 'ws') + path;
      const openRm = async (owner: Tenant) => {
        const rm = await rmWithSession(gateway.url, owner);
        secrets.push(rm.accessToken, rm.websocketToken);
        peers.push(await connect(wsAt('/s2/v1/ws'), rm.websocketToken));
        await gateway.waitForLog((l) => l.msg === 'RM session opened' && l.rmNodeId === rm.rmNodeId);
      };
      const openChannel = async (owner: Tenant) => {
        peers.push(await connect(wsAt('/cem/v1/ws'), owner.jwt));
      };
      await openRm(shown);
      await openRm(hidden);
      await openRm(hidden);
      await openChannel(shown);
      await openChannel(hidden);
      await openChannel(shown);
      await openChannel(shown);
      const gauges = async () => {
        const text = await (await fetch(`${gateway.internalUrl}/metrics`)).text();
        const tenants = [...text.matchAll(/^s2b_(?:rm_sessions|cem_channels)_by_tenant\{tenant="([^"]*)"\}/gm)];
        return {
          rm: [shown.id, 'other'].map((t) => value(text, `s2b_rm_sessions_by_tenant{tenant="${t}"}`)),
          cem: [shown.id, 'other'].map((t) => value(text, `s2b_cem_channels_by_tenant{tenant="${t}"}`)),
          labels: new Set(tenants.map((match) => match[1])),
        };
      };
      await expect.poll(gauges).toEqual({ rm: [1, 2], cem: [3, 1], labels: new Set([shown.id, 'other']) });
      expect(JSON.stringify([...(await gauges()).labels])).not.toContain(hidden.id);
      for (const peer of peers.splice(0)) peer.close();
      await expect.poll(gauges).toEqual({ rm: [0, 0], cem: [0, 0], labels: new Set([shown.id, 'other']) });
    } finally {
      for (const peer of peers) peer.close();
      await gateway.stop();
    }
  });
});

describe('a broker whose Redis and PostgreSQL are not there', () => {
  it('counts the errors it gets talking to each', async () => {
    const lost = await startBroker({
      env: { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/s2_broker_test' },
    });
    try {
      expect((await fetch(`${lost.internalUrl}/health/ready`)).status).toBe(503);
      const errors = async () => {
        const text = await (await fetch(`${lost.internalUrl}/metrics`)).text();
        return {
          redis: value(text, 's2b_redis_errors_total{connection="shared",kind="connection"}') ?? 0,
          postgres: value(text, 's2b_postgres_errors_total{kind="connection"}') ?? 0,
        };
      };
      await expect.poll(async () => (await errors()).redis, { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await errors()).postgres, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      await lost.stop();
    }
  });
});

describe('the whole run', () => {
  it('logged none of its secrets: operator token, client secret, tenant JWT, access and websocket tokens', () => {
    const text = [...broker.stdout, ...broker.stderr].join('\n');
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('wrote JSON only, one event a line, and the tenant on every line about a session', () => {
    const lines = broker.logs();
    const aboutSessions = lines.filter((line) => typeof line.sessionId === 'string' && line.sessionId !== '');
    expect(aboutSessions.length).toBeGreaterThan(0);
    for (const line of aboutSessions)
      expect({ msg: line.msg, tenantId: typeof line.tenantId }).toEqual({ msg: line.msg, tenantId: 'string' });
    for (const line of lines) expect(typeof line.msg).toBe('string');
  });
});
