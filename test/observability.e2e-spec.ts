// What an operator reads off a running broker: a request id (and the tenant) on every HTTP request,
// one log line per session and channel opened or closed and per refused upgrade, counted upgrades,
// session starts and pairing attempts by outcome, routed messages in the latency histogram and by
// type, Redis and PostgreSQL errors, and no secret in any line of the whole run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receptionStatus } from '#s2-json';
import { powerMeasurement, resourceManagerDetails } from '#s2-json/testing';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { post, requestPairingBody, rmWithSession, type RmWithSession, type Tenant } from './support/s2-connect.js';
import { connect, refusedStatus } from './support/ws-peer.js';

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
});
