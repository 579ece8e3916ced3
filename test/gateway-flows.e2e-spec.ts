// The worked example conversations through the broker, CEM channel re-binding, and the SIGTERM drain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExamples } from '#s2-json/testing';
import { type Broker, startBroker } from './support/broker.js';
import { createTenant, get, rmWithSession, type Tenant } from './support/s2-connect.js';
import { connect, refusedStatus } from './support/ws-peer.js';

let a: Broker;
let b: Broker;

beforeAll(async () => {
  [a, b] = await Promise.all([startBroker(), startBroker()]);
});

afterAll(async () => {
  await Promise.all([a, b].map((x) => x?.stop()));
});

const ws = (broker: Broker, path: string) => broker.url.replace('http', 'ws') + path;
const isType = (type: string) => (frame: Record<string, unknown>) => frame.type === type;

const rmSession = (broker: Broker, tenant: Tenant, versions = ['v0.0.2-beta']) =>
  rmWithSession(broker.url, tenant, versions);

describe('the worked examples, RM to CEM and CEM to RM', () => {
  for (const page of ['ev', 'heat-pump', 'pv']) {
    it(`${page}: every message arrives unchanged and in order on the other side`, async () => {
      const tenant = await createTenant(a);
      const rm = await rmSession(a, tenant);
      const cem = await connect(ws(b, '/cem/v1/ws'), tenant.jwt);
      const peer = await connect(ws(a, '/s2/v1/ws'), rm.websocketToken);
      await cem.next(isType('session.opened'));
      for (const { example } of loadExamples().filter((e) => e.page === page)) {
        const { message } = example;
        const type = message['message_type'];
        if (type === 'HandshakeResponse' || (type === 'Handshake' && example.sender === 'CEM')) continue;
        if (type === 'Handshake') {
          peer.send(message);
          expect(await peer.next((f) => f.message_type === 'HandshakeResponse')).toMatchObject({
            selected_protocol_version: '0.0.2-beta',
          });
        } else if (example.sender === 'CEM') {
          cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message });
          expect(await peer.next((f) => f.message_type === type)).toEqual(message);
        } else {
          peer.send(message);
          expect(await cem.next(isType('message'))).toMatchObject({ rmNodeId: rm.rmNodeId, message });
        }
      }
      expect(peer.frames.filter((f) => f.message_type === 'ReceptionStatus' && f.status !== 'OK')).toEqual([]);
      expect(cem.frames.filter((f) => f.type === 'error')).toEqual([]);
      peer.close();
      cem.close();
    });
  }
});

describe('CEM channels', () => {
  it('when a channel closes, its sessions move to another channel of the tenant with a fresh session.opened', async () => {
    const tenant = await createTenant(a);
    const rm = await rmSession(a, tenant);
    const first = await connect(ws(a, '/cem/v1/ws'), tenant.jwt);
    const peer = await connect(ws(a, '/s2/v1/ws'), rm.websocketToken);
    await first.next(isType('session.opened'));
    const details = loadExamples().find(
      (e) => e.page === 'ev' && e.example.message['message_type'] === 'ResourceManagerDetails',
    );
    peer.send(details?.example.message);
    await first.next(isType('message'));
    const second = await connect(ws(b, '/cem/v1/ws'), tenant.jwt);
    first.close();
    const opened = await second.next(isType('session.opened'));
    expect(opened).toMatchObject({
      session: {
        rmNodeId: rm.rmNodeId,
        snapshot: [details?.example.message],
        rmNodeDescription: { id: rm.rmNodeId, role: 'RM' },
      },
    });
    const power = loadExamples().find(
      (e) => e.page === 'ev' && e.example.message['message_type'] === 'PowerMeasurement',
    );
    peer.send(power?.example.message);
    expect(await second.next(isType('message'))).toMatchObject({ message: power?.example.message });
    peer.close();
    second.close();
  });

  it("a channel limited with cemNodeId gets only those nodes' sessions", async () => {
    const tenant = await createTenant(a);
    const one = await rmSession(a, tenant);
    const two = await rmSession(a, tenant);
    const limited = await connect(ws(b, `/cem/v1/ws?cemNodeId=${one.cemNodeId}`), tenant.jwt);
    const peers = [
      await connect(ws(a, '/s2/v1/ws'), one.websocketToken),
      await connect(ws(a, '/s2/v1/ws'), two.websocketToken),
    ];
    expect(await limited.next(isType('session.opened'))).toMatchObject({ session: { rmNodeId: one.rmNodeId } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(limited.frames.filter((f) => JSON.stringify(f).includes(two.rmNodeId))).toEqual([]);
    expect(await refusedStatus(ws(b, `/cem/v1/ws?cemNodeId=${crypto.randomUUID()}`), tenant.jwt)).toBe(404);
    for (const p of [...peers, limited]) p.close();
  });
});

describe('SIGTERM', () => {
  it('drains: RM sessions get SessionRequest RECONNECT and 1012, channels close last, the process exits 0', async () => {
    const c = await startBroker();
    const tenant = await createTenant(c);
    const rm = await rmSession(c, tenant);
    const channel = await connect(ws(c, '/cem/v1/ws'), tenant.jwt);
    const elsewhere = await connect(ws(b, '/cem/v1/ws'), tenant.jwt);
    const peer = await connect(ws(c, '/s2/v1/ws'), rm.websocketToken);
    const both = [channel, elsewhere];
    await Promise.race(both.map((p) => p.next(isType('session.opened'))));
    const exit = c.stop();
    expect(await peer.next((f) => f.message_type === 'SessionRequest')).toMatchObject({ request: 'RECONNECT' });
    // The internal port closes last: while sessions drain, the probe hears why the pod is not ready.
    expect(await get(`${c.internalUrl}/health/ready`)).toMatchObject({ status: 503, body: { draining: true } });
    expect((await peer.closed).code).toBe(1012);
    expect((await channel.closed).code).toBe(1012);
    expect(await exit).toBe(0);
    expect((await get(`${c.internalUrl}/health/live`).catch(() => ({ status: 0 }))).status).toBe(0);
    elsewhere.close();
  });
});
