// What an operator reads off a running broker: a request id on every HTTP request, one log line per
// session and channel opened or closed and per refused upgrade, counted upgrades, and no secret in any
// line of the whole run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { post, rmWithSession, type RmWithSession, type Tenant } from './support/s2-connect.js';
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

describe('the whole run', () => {
  it('logged none of its secrets: operator token, client secret, tenant JWT, access and websocket tokens', () => {
    const text = [...broker.stdout, ...broker.stderr].join('\n');
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
