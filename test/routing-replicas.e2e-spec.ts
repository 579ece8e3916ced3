// Three broker processes sharing PostgreSQL and Redis: an RM on one, its tenant's CEM channel on
// another; then the RM's replica is killed with SIGKILL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem, startSession } from '#rm-client';
import { type Broker, startBroker } from './support/broker.js';
import { createCemNode, createTenant, issueCode, rmNode, RM_ENDPOINT, type Tenant } from './support/s2-connect.js';
import { connect, type Peer } from './support/ws-peer.js';

let a: Broker;
let b: Broker;
let c: Broker;
let tenant: Tenant;

beforeAll(async () => {
  [a, b, c] = await Promise.all([startBroker(), startBroker(), startBroker()]);
  tenant = await createTenant(b);
});

afterAll(async () => {
  await Promise.all([a, b, c].map((x) => x?.stop()));
});

const ws = (broker: Broker, path: string) => broker.url.replace('http', 'ws') + path;
const isType = (type: string) => (frame: Record<string, unknown>) => frame.type === type;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const measurement = () => ({
  message_type: 'PowerMeasurement',
  message_id: randomUUID(),
  measurement_timestamp: new Date().toISOString(),
  values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1500 }],
});
const status = () => ({ message_type: 'ReceptionStatus', subject_message_id: randomUUID(), status: 'OK' });

describe('routing across replicas', () => {
  it("messages go both ways between replicas, and survive the loss of the RM's replica", async () => {
    const node = await createCemNode(b.url, tenant);
    const code = await issueCode(b.url, tenant, node);
    const rm = rmNode();
    const pairing = await pairWithCem({
      pairingUrl: code.pairingUrl,
      pairingCode: code.pairingCode,
      node: rm,
      endpoint: RM_ENDPOINT,
    });
    const sessionVia = async (broker: Broker, accessTokens: string[]) => {
      const started = await startSession({
        initiateSessionUrl: `${broker.url}/session/`,
        accessTokens,
        clientNodeId: rm.id,
        serverNodeId: node.id,
        supportedS2MessageVersions: ['v1.0.0'],
      });
      return { accessToken: started.accessToken, peer: await connect(ws(broker, '/s2/v1/ws'), started.websocketToken) };
    };

    const cem = await connect(ws(b, '/cem/v1/ws'), tenant.jwt);
    let session = await sessionVia(a, [pairing.accessToken]);
    const opened = await cem.next(isType('session.opened'));
    const firstSessionId = (opened.session as { sessionId: string }).sessionId;
    // Read by the RM's replica at the upgrade, written by the channel's replica.
    expect(opened.session).toMatchObject({ rmNodeDescription: { id: rm.id }, rmEndpointDescription: RM_ENDPOINT });

    // Both ways, in order, between replica A (RM) and replica B (CEM channel).
    const up = Array.from({ length: 20 }, measurement);
    for (const m of up) session.peer.send(m);
    for (const m of up) expect((await cem.next(isType('message'))).message).toEqual(m);
    const down = Array.from({ length: 20 }, status);
    for (const m of down) cem.send({ type: 'message', rmNodeId: rm.id, message: m });
    for (const m of down) expect(await session.peer.next((f) => f.message_type === 'ReceptionStatus')).toEqual(m);

    // The CEM keeps sending while replica A dies; every message must end delivered or TEMPORARY_ERROR.
    const sent: string[] = [];
    const delivered = new Set<string>();
    const temporary = new Set<string>();
    const collect = (peer: Peer) =>
      peer.socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { message_id?: string };
        if (message.message_id) delivered.add(message.message_id);
      });
    collect(session.peer);
    cem.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as {
        type: string;
        message?: { status?: string; subject_message_id?: string };
      };
      if (frame.type === 'message' && frame.message?.status === 'TEMPORARY_ERROR' && frame.message.subject_message_id) {
        temporary.add(frame.message.subject_message_id);
      }
    });
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const select = { message_type: 'SelectControlType', message_id: randomUUID(), control_type: 'NO_SELECTION' };
        sent.push(select.message_id);
        cem.send({ type: 'message', rmNodeId: rm.id, message: select });
        await sleep(20);
      }
    })();
    await sleep(300);
    a.process.kill('SIGKILL');
    await session.peer.closed;
    // The RM re-initiates its session on a surviving replica.
    session = await sessionVia(c, [session.accessToken]);
    collect(session.peer);
    await sleep(500);
    sending = false;
    await sender;

    const closed = await cem.next((f) => f.type === 'session.closed' || f.type === 'session.opened', 15_000);
    expect(closed).toMatchObject({ type: 'session.closed', sessionId: firstSessionId, rmNodeId: rm.id });
    const reopened = await cem.next(isType('session.opened'), 15_000);
    expect((reopened.session as { sessionId: string }).sessionId).not.toBe(firstSessionId);

    const until = Date.now() + 10_000;
    while (Date.now() < until && sent.some((id) => !delivered.has(id) && !temporary.has(id))) await sleep(50);
    const outcomes = sent.map((id) => Number(delivered.has(id)) + Number(temporary.has(id)));
    expect(outcomes.filter((n) => n !== 1)).toEqual([]);
    expect(delivered.size + temporary.size).toBe(sent.length);
    expect(delivered.size).toBeGreaterThan(10);
    expect(temporary.size).toBeGreaterThan(0);

    // And the RM's messages from its new replica C reach the channel on B.
    const after = measurement();
    session.peer.send(after);
    expect(
      (
        await cem.next(
          (f) => f.type === 'message' && (f.message as { message_id?: string }).message_id === after.message_id,
        )
      ).message,
    ).toEqual(after);
    session.peer.close();
    cem.close();
  }, 60_000);
});
