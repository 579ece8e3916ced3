// RM sessions and CEM channels through the running broker: the upgrade rules, the S2 rules on every
// frame, routing in both directions, and unpairing.
import { randomUUID } from 'node:crypto';
import { powerMeasurement, resourceManagerDetails } from '#s2-json/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem, startSession } from '#rm-client';
import { type Broker, startBroker } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  del,
  issueCode,
  post,
  rmNode,
  RM_ENDPOINT,
  rmWithSession,
  type RmWithSession,
  type Tenant,
} from './support/s2-connect.js';
import { connect, type Peer, refusedStatus } from './support/ws-peer.js';

let broker: Broker;
let tenant: Tenant;

beforeAll(async () => {
  broker = await startBroker();
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
});

const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;

type Rm = RmWithSession;

const pairedRm = (owner: Tenant = tenant, versions = ['v1.0.0']) => rmWithSession(broker.url, owner, versions);

const details = resourceManagerDetails;
const measurement = () => powerMeasurement();

const isType = (type: string) => (frame: Record<string, unknown>) => frame.type === type;
const isS2 = (type: string) => (frame: Record<string, unknown>) => frame.message_type === type;

describe('the RM upgrade', () => {
  it('needs a websocket token: none or a wrong one is 401 and no socket opens', async () => {
    expect(await refusedStatus(wsUrl('/s2/v1/ws'))).toBe(401);
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), 'bm90IGEgdG9rZW4gYXQgYWxsIGJ1dCBsb25nIGVub3VnaA==')).toBe(401);
  });

  it('a websocket token opens one socket only', async () => {
    const rm = await pairedRm();
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), rm.websocketToken)).toBe(401);
    peer.close();
  });

  it('the CEM channel needs a tenant JWT', async () => {
    expect(await refusedStatus(wsUrl('/cem/v1/ws'))).toBe(401);
    expect(await refusedStatus(wsUrl('/cem/v1/ws'), 'a.b.c')).toBe(401);
    expect(await refusedStatus(wsUrl('/nowhere'), tenant.jwt)).toBe(404);
  });
});

describe('a session with a CEM channel', () => {
  let rm: Rm;
  let rmPeer: Peer;
  let cem: Peer;
  let own: Tenant;

  beforeAll(async () => {
    own = await createTenant(broker);
    rm = await pairedRm(own);
    cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    rmPeer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
  });

  afterAll(() => {
    rmPeer?.close();
    cem?.close();
  });

  it("the channel gets session.opened, then the RM's messages, in order", async () => {
    const opened = await cem.next(isType('session.opened'));
    expect(opened).toMatchObject({
      session: {
        rmNodeId: rm.rmNodeId,
        cemNodeId: rm.cemNodeId,
        s2Version: 'v1.0.0',
        controlType: 'NO_SELECTION',
        snapshot: [],
        rmNodeDescription: { id: rm.rmNodeId, role: 'RM' },
      },
    });
    const sent = [details(), measurement(), measurement()];
    for (const message of sent) rmPeer.send(message);
    for (const message of sent) {
      expect(await cem.next(isType('message'))).toEqual({
        type: 'message',
        sessionId: (opened.session as { sessionId: string }).sessionId,
        rmNodeId: rm.rmNodeId,
        cemNodeId: rm.cemNodeId,
        message,
      });
    }
  });

  it('the CEM selects a control type; the RM receives it and the FRBC messages flow', async () => {
    const select = {
      message_type: 'SelectControlType',
      message_id: randomUUID(),
      control_type: 'FILL_RATE_BASED_CONTROL',
    };
    cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: select });
    expect(await rmPeer.next(isS2('SelectControlType'))).toEqual(select);
    rmPeer.send({ message_type: 'ReceptionStatus', subject_message_id: select.message_id, status: 'OK' });
    expect(await cem.next(isType('message'))).toMatchObject({
      message: { message_type: 'ReceptionStatus', subject_message_id: select.message_id },
    });
  });

  it("an RM Handshake is answered by the broker, and neither it nor the RM's ReceptionStatus for the answer reaches the CEM", async () => {
    const handshake = {
      message_type: 'Handshake',
      message_id: randomUUID(),
      role: 'RM',
      supported_protocol_versions: ['v1.0.0'],
    };
    rmPeer.send(handshake);
    expect(await rmPeer.next(isS2('ReceptionStatus'))).toEqual({
      message_type: 'ReceptionStatus',
      subject_message_id: handshake.message_id,
      status: 'OK',
    });
    const response = await rmPeer.next(isS2('HandshakeResponse'));
    expect(response).toMatchObject({ selected_protocol_version: 'v1.0.0' });
    // As the official Python library does: it acknowledges the HandshakeResponse.
    rmPeer.send({ message_type: 'ReceptionStatus', subject_message_id: response.message_id, status: 'OK' });
    const after = measurement();
    rmPeer.send(after);
    expect(await cem.next(isType('message'))).toMatchObject({ message: after });
  });

  it('the broker answers what it stops with a ReceptionStatus, to the sender only', async () => {
    rmPeer.send('{not json');
    expect(await rmPeer.next(isS2('ReceptionStatus'))).toMatchObject({
      status: 'INVALID_DATA',
      subject_message_id: '00000000-0000-0000-0000-000000000000',
    });
    const bad = { ...measurement(), values: 'many' };
    rmPeer.send(bad);
    expect(await rmPeer.next(isS2('ReceptionStatus'))).toMatchObject({
      status: 'INVALID_MESSAGE',
      subject_message_id: bad.message_id,
    });
    // A number no double holds would be forwarded as Infinity: refused instead, from either side.
    const huge = measurement();
    rmPeer.send(JSON.stringify(huge).replace(/"value":[^,}]+/, '"value":1e400'));
    expect(await rmPeer.next(isS2('ReceptionStatus'))).toMatchObject({
      status: 'INVALID_MESSAGE',
      subject_message_id: huge.message_id,
    });
    const hugeId = randomUUID();
    cem.send(
      `{"type":"message","rmNodeId":"${rm.rmNodeId}","message":{"message_type":"FRBC.Instruction","message_id":"${hugeId}","id":"i-9","actuator_id":"a-1","operation_mode":"o-1","operation_mode_factor":1e400,"execution_time":"2026-12-03T12:00:00Z","abnormal_condition":false}}`,
    );
    expect(await cem.next(isType('message'))).toMatchObject({
      message: { message_type: 'ReceptionStatus', subject_message_id: hugeId, status: 'INVALID_MESSAGE' },
    });
    const wrongRole = {
      message_type: 'FRBC.Instruction',
      message_id: randomUUID(),
      id: 'i-1',
      actuator_id: 'a-1',
      operation_mode: 'o-1',
      operation_mode_factor: 0.5,
      execution_time: new Date().toISOString(),
      abnormal_condition: false,
    };
    rmPeer.send(wrongRole);
    expect(await rmPeer.next(isS2('ReceptionStatus'))).toMatchObject({
      status: 'INVALID_MESSAGE',
      subject_message_id: wrongRole.message_id,
    });
    const notNow = {
      message_type: 'DDBC.TimerStatus',
      message_id: randomUUID(),
      timer_id: 't-1',
      actuator_id: 'a-1',
      finished_at: new Date().toISOString(),
    };
    rmPeer.send(notNow);
    expect(await rmPeer.next(isS2('ReceptionStatus'))).toMatchObject({
      status: 'INVALID_CONTENT',
      subject_message_id: notNow.message_id,
    });
    // From the CEM side: an instruction of a control type that is not active.
    const pebc = {
      message_type: 'PEBC.Instruction',
      message_id: randomUUID(),
      id: 'p-1',
      execution_time: new Date().toISOString(),
      abnormal_condition: false,
      power_constraints_id: 'c-1',
      power_envelopes: [],
    };
    cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: pebc });
    const answer = await cem.next(isType('message'));
    expect(answer).toMatchObject({
      rmNodeId: rm.rmNodeId,
      message: { message_type: 'ReceptionStatus', subject_message_id: pebc.message_id },
    });
    expect(['INVALID_MESSAGE', 'INVALID_CONTENT']).toContain((answer.message as { status: string }).status);
    // Nothing of this reached the other side.
    const marker = measurement();
    rmPeer.send(marker);
    expect(await cem.next(isType('message'))).toMatchObject({ message: marker });
  });

  it('a frame the channel cannot take is an error frame', async () => {
    cem.send('{');
    expect(await cem.next(isType('error'))).toMatchObject({ code: 'invalid_frame' });
    cem.send({ type: 'message', ref: 7, rmNodeId: randomUUID(), message: measurement() });
    expect(await cem.next(isType('error'))).toMatchObject({ code: 'unknown_rm', ref: 7 });
  });

  it('another tenant cannot reach this RM: error frame, and the message goes nowhere', async () => {
    const stranger = await connect(wsUrl('/cem/v1/ws'), tenant.jwt);
    const select = { message_type: 'SelectControlType', message_id: randomUUID(), control_type: 'NO_SELECTION' };
    stranger.send({ type: 'message', rmNodeId: rm.rmNodeId, message: select });
    expect(await stranger.next(isType('error'))).toMatchObject({ code: 'unknown_rm' });
    expect(stranger.frames.some((f) => JSON.stringify(f).includes(rm.rmNodeId) && f.type !== 'error')).toBe(false);
    stranger.close();
    const marker = measurement();
    rmPeer.send(marker);
    expect(await cem.next(isType('message'))).toMatchObject({ message: marker });
    expect(rmPeer.frames.some((f) => f.message_id === select.message_id)).toBe(false);
  });

  it('unpairing by the tenant: SessionRequest RECONNECT and a closed socket; session.closed then pairing.removed', async () => {
    expect((await del(`${broker.url}/api/v1/pairings/${rm.rmNodeId}`, tenant.jwt)).status).toBe(404);
    expect((await del(`${broker.url}/api/v1/pairings/${rm.rmNodeId}`, own.jwt)).status).toBe(204);
    expect(await rmPeer.next(isS2('SessionRequest'))).toMatchObject({ request: 'RECONNECT' });
    const started = Date.now();
    expect((await rmPeer.closed).code).toBe(4001);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await cem.next((f) => f.type === 'session.closed' || f.type === 'pairing.removed')).toMatchObject({
      type: 'session.closed',
      rmNodeId: rm.rmNodeId,
      reason: 'unpaired',
    });
    expect(await cem.next(isType('pairing.removed'))).toMatchObject({ rmNodeId: rm.rmNodeId, cemNodeId: rm.cemNodeId });
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
  });
});

describe('unpairing by the RM', () => {
  it('closes the session and tells the CEM channel', async () => {
    const own = await createTenant(broker);
    const rm = await pairedRm(own);
    const cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await cem.next(isType('session.opened'));
    const answer = await post(
      `${rm.initiateSessionUrl}v1/unpair`,
      { clientNodeId: rm.rmNodeId, serverNodeId: rm.cemNodeId },
      rm.accessToken,
    );
    expect(answer.status).toBe(204);
    expect(await peer.next(isS2('SessionRequest'))).toMatchObject({ request: 'RECONNECT' });
    await peer.closed;
    expect(await cem.next((f) => f.type === 'session.closed' || f.type === 'pairing.removed')).toMatchObject({
      type: 'session.closed',
    });
    expect(await cem.next(isType('pairing.removed'))).toMatchObject({ rmNodeId: rm.rmNodeId });
    cem.close();
  });

  it('a new pairing of the RM with another CEM node ends its session', async () => {
    const own = await createTenant(broker);
    const rm = await pairedRm(own);
    const cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await cem.next(isType('session.opened'));
    const other = await createCemNode(broker.url, own);
    const code = await issueCode(broker.url, own, other);
    await pairWithCem({
      pairingUrl: code.pairingUrl,
      pairingCode: code.pairingCode,
      node: { ...rmNode(), id: rm.rmNodeId },
      endpoint: RM_ENDPOINT,
    });
    expect(await peer.next(isS2('SessionRequest'))).toMatchObject({ request: 'RECONNECT' });
    await peer.closed;
    expect(await cem.next(isType('session.closed'))).toMatchObject({ rmNodeId: rm.rmNodeId });
    expect(await cem.next(isType('pairing.removed'))).toMatchObject({ rmNodeId: rm.rmNodeId, cemNodeId: rm.cemNodeId });
    cem.close();
  });
});

describe('socket limits', () => {
  it('a frame over 64 KiB closes the socket with 1009', async () => {
    const rm = await pairedRm();
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    peer.send({ ...measurement(), padding: 'x'.repeat(70 * 1024) });
    expect((await peer.closed).code).toBe(1009);
  });

  it('a second session of the same RM replaces the first; the channel sees the old one close', async () => {
    const own = await createTenant(broker);
    const rm = await pairedRm(own);
    const cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    const first = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    const firstOpened = await cem.next(isType('session.opened'));
    const next = await startSession({
      initiateSessionUrl: rm.initiateSessionUrl,
      accessTokens: [rm.accessToken],
      clientNodeId: rm.rmNodeId,
      serverNodeId: rm.cemNodeId,
      supportedS2MessageVersions: ['v1.0.0'],
    });
    const second = await connect(wsUrl('/s2/v1/ws'), next.websocketToken);
    expect((await first.closed).code).toBe(4000);
    expect(await cem.next(isType('session.closed'))).toMatchObject({
      sessionId: (firstOpened.session as { sessionId: string }).sessionId,
    });
    const opened = await cem.next(isType('session.opened'));
    const marker = measurement();
    second.send(marker);
    expect(await cem.next(isType('message'))).toMatchObject({
      sessionId: (opened.session as { sessionId: string }).sessionId,
      message: marker,
    });
    second.close();
    cem.close();
  });
});

describe('metrics', () => {
  const scrape = async () => (await fetch(`${broker.internalUrl}/metrics`)).text();
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
  const delivered = 's2b_messages_total{direction="rm_to_cem",outcome="delivered"}';
  const rejected = 's2b_messages_total{direction="rm_to_cem",outcome="rejected"}';
  const temporary = 's2b_messages_total{direction="cem_to_rm",outcome="temporary_error"}';

  it('count sessions, channels and how each message ended', async () => {
    const own = await createTenant(broker);
    const rm = await pairedRm(own);
    const before = await scrape();
    const cem = await connect(wsUrl('/cem/v1/ws'), own.jwt);
    const peer = await connect(wsUrl('/s2/v1/ws'), rm.websocketToken);
    await cem.next(isType('session.opened'));
    const during = await scrape();
    expect(value(during, 's2b_rm_sessions')).toBeGreaterThanOrEqual(1);
    expect(value(during, 's2b_cem_channels')).toBeGreaterThanOrEqual(1);
    peer.send(measurement());
    await cem.next(isType('message'));
    peer.send({ message_type: 'PowerMeasurement', message_id: randomUUID() });
    await peer.next(isS2('ReceptionStatus'));
    peer.close();
    await cem.next(isType('session.closed'));
    const select = { message_type: 'SelectControlType', message_id: randomUUID(), control_type: 'NO_SELECTION' };
    cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: select });
    await cem.next((f) => f.type === 'message' && (f.message as { status?: string }).status === 'TEMPORARY_ERROR');
    const after = await scrape();
    expect(value(after, delivered) - value(before, delivered)).toBeGreaterThanOrEqual(1);
    expect(value(after, rejected) - value(before, rejected)).toBeGreaterThanOrEqual(1);
    expect(value(after, temporary) - value(before, temporary)).toBeGreaterThanOrEqual(1);
    cem.close();
  });

  it('count WebSocket upgrades refused, by endpoint and status', async () => {
    const series = 's2b_ws_upgrades_refused_total{endpoint="rm",status="401"}';
    const before = value(await scrape(), series);
    expect(await refusedStatus(wsUrl('/s2/v1/ws'), 'not-a-websocket-token')).toBe(401);
    expect(value(await scrape(), series) - before).toBe(1);
  });
});
