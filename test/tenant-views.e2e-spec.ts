// The tenant API's views of pairings, live sessions and RMs through the running broker: what the
// database and the session directory say, scoped to the caller's tenant.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem } from '#rm-client';
import { type Broker, startBroker } from './support/broker.js';
import {
  type CemNode,
  createCemNode,
  createTenant,
  get,
  issueCode,
  RM_ENDPOINT,
  rmNode,
  rmWithSession,
  type RmWithSession,
  type Tenant,
} from './support/s2-connect.js';
import { connect, type Peer } from './support/ws-peer.js';

let broker: Broker;
let tenant: Tenant;
let stranger: Tenant;
/** Three RMs paired with `node`, none connected. */
let node: CemNode;
let idleRms: string[];
/** Paired with a node of its own, with a live session. */
let live: RmWithSession;
let rmPeer: Peer;
let cem: Peer;

const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;

beforeAll(async () => {
  broker = await startBroker();
  [tenant, stranger] = await Promise.all([createTenant(broker), createTenant(broker)]);
  node = await createCemNode(broker.url, tenant);
  idleRms = [];
  for (let i = 0; i < 3; i++) {
    const code = await issueCode(broker.url, tenant, node);
    const rm = rmNode({ brand: `Volta ${i}` });
    await pairWithCem({ pairingUrl: code.pairingUrl, pairingCode: code.pairingCode, node: rm, endpoint: RM_ENDPOINT });
    idleRms.push(rm.id);
  }
  live = await rmWithSession(broker.url, tenant);
  cem = await connect(wsUrl('/cem/v1/ws'), tenant.jwt);
  rmPeer = await connect(wsUrl('/s2/v1/ws'), live.websocketToken);
  await cem.next((f) => f.type === 'session.opened');
});

afterAll(async () => {
  rmPeer?.close();
  cem?.close();
  await broker?.stop();
});

/** Polls `read` until `done` holds: the directory is written after the frames that lead to it. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface PairingItem {
  cemNodeId: string;
  rmNodeId: string;
  connected: boolean;
  rmNodeDescription: { brand: string };
}

describe('GET /api/v1/pairings', () => {
  it('lists the pairings of one CEM node with the descriptions and who is connected', async () => {
    const answer = await get(`${broker.url}/api/v1/pairings?cemNodeId=${node.id}`, tenant.jwt);
    expect(answer.status).toBe(200);
    const body = answer.body as { items: PairingItem[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((p) => p.rmNodeId)).toEqual(idleRms);
    expect(body.items[0]).toEqual({
      cemNodeId: node.id,
      rmNodeId: idleRms[0],
      rmNodeDescription: { id: idleRms[0], brand: 'Volta 0', type: 'EV charger', modelName: 'V22', role: 'RM' },
      rmEndpointDescription: RM_ENDPOINT,
      pairedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      connected: false,
    });
    const connected = await get(`${broker.url}/api/v1/pairings?cemNodeId=${live.cemNodeId}`, tenant.jwt);
    expect(connected.body).toMatchObject({ items: [{ rmNodeId: live.rmNodeId, connected: true }], nextCursor: null });
  });

  it('pages with the cursor; without a filter it lists all of the tenant’s pairings', async () => {
    const first = await get(`${broker.url}/api/v1/pairings?limit=2`, tenant.jwt);
    const page1 = first.body as { items: PairingItem[]; nextCursor: string };
    expect(page1.items.map((p) => p.rmNodeId)).toEqual(idleRms.slice(0, 2));
    const second = await get(`${broker.url}/api/v1/pairings?limit=2&cursor=${page1.nextCursor}`, tenant.jwt);
    expect(second.body).toMatchObject({ items: [{ rmNodeId: idleRms[2] }, { rmNodeId: live.rmNodeId }] });
    expect((second.body as { nextCursor: unknown }).nextCursor).toBeNull();
    expect(await get(`${broker.url}/api/v1/pairings`, stranger.jwt)).toMatchObject({
      status: 200,
      body: { items: [], nextCursor: null },
    });
  });

  it('404 for another tenant’s node, 400 for a bad parameter, 401 without a JWT', async () => {
    expect((await get(`${broker.url}/api/v1/pairings?cemNodeId=${node.id}`, stranger.jwt)).status).toBe(404);
    expect((await get(`${broker.url}/api/v1/pairings?cemNodeId=${randomUUID()}`, tenant.jwt)).status).toBe(404);
    expect(await get(`${broker.url}/api/v1/pairings?cemNodeId=abc`, tenant.jwt)).toMatchObject({
      status: 400,
      body: { message: 'cemNodeId: must be a UUID' },
    });
    expect(await get(`${broker.url}/api/v1/pairings?cursor=x`, tenant.jwt)).toMatchObject({
      status: 400,
      body: { message: 'cursor: is not a cursor of this listing' },
    });
    expect((await get(`${broker.url}/api/v1/pairings`)).status).toBe(401);
  });
});

describe('GET /api/v1/sessions', () => {
  it('lists the tenant’s live sessions with their state; other tenants see none', async () => {
    const answer = await get(`${broker.url}/api/v1/sessions`, tenant.jwt);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        {
          sessionId: expect.stringMatching(UUID),
          rmNodeId: live.rmNodeId,
          cemNodeId: live.cemNodeId,
          s2Version: 'v1.0.0',
          controlType: 'NO_SELECTION',
          connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          gateway: expect.stringMatching(/^e2e/),
        },
      ],
    });
    expect(await get(`${broker.url}/api/v1/sessions`, stranger.jwt)).toMatchObject({
      status: 200,
      body: { items: [] },
    });
  });

  it('filters by CEM node; another tenant’s node is 404; 401 without a JWT', async () => {
    expect((await get(`${broker.url}/api/v1/sessions?cemNodeId=${node.id}`, tenant.jwt)).body).toEqual({ items: [] });
    expect((await get(`${broker.url}/api/v1/sessions?cemNodeId=${live.cemNodeId}`, tenant.jwt)).body).toMatchObject({
      items: [{ rmNodeId: live.rmNodeId }],
    });
    expect((await get(`${broker.url}/api/v1/sessions?cemNodeId=${live.cemNodeId}`, stranger.jwt)).status).toBe(404);
    expect((await get(`${broker.url}/api/v1/sessions`)).status).toBe(401);
  });
});

describe('GET /api/v1/rms/{rmNodeId}', () => {
  it('an RM without a session: its pairing, session null, an empty snapshot', async () => {
    const answer = await get(`${broker.url}/api/v1/rms/${idleRms[1]}`, tenant.jwt);
    expect(answer).toMatchObject({
      status: 200,
      body: { pairing: { rmNodeId: idleRms[1], cemNodeId: node.id, connected: false }, session: null, snapshot: [] },
    });
  });

  it('a connected RM: its session with the control type, and the snapshot of what it sent', async () => {
    const details = {
      message_type: 'ResourceManagerDetails',
      message_id: randomUUID(),
      resource_id: randomUUID(),
      roles: [{ role: 'ENERGY_CONSUMER', commodity: 'ELECTRICITY' }],
      instruction_processing_delay: 100,
      available_control_types: ['FILL_RATE_BASED_CONTROL'],
      provides_forecast: false,
      provides_power_measurement_types: ['ELECTRIC.POWER.L1'],
    };
    const measurement = {
      message_type: 'PowerMeasurement',
      message_id: randomUUID(),
      measurement_timestamp: new Date().toISOString(),
      values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1500 }],
    };
    rmPeer.send(details);
    rmPeer.send(measurement);
    await cem.next((f) => (f.message as { message_id?: string } | undefined)?.message_id === measurement.message_id);
    const select = {
      message_type: 'SelectControlType',
      message_id: randomUUID(),
      control_type: 'FILL_RATE_BASED_CONTROL',
    };
    cem.send({ type: 'message', rmNodeId: live.rmNodeId, message: select });
    await rmPeer.next((f) => f.message_id === select.message_id);

    const read = () => get(`${broker.url}/api/v1/rms/${live.rmNodeId}`, tenant.jwt);
    const answer = await eventually(read, (a) => {
      const body = a.body as { snapshot: unknown[]; session: { controlType: string } | null };
      return body.snapshot.length === 2 && body.session?.controlType === 'FILL_RATE_BASED_CONTROL';
    });
    expect(answer.status).toBe(200);
    const body = answer.body as { pairing: unknown; session: unknown; snapshot: unknown[] };
    expect(body.pairing).toMatchObject({ rmNodeId: live.rmNodeId, cemNodeId: live.cemNodeId, connected: true });
    expect(body.session).toMatchObject({
      rmNodeId: live.rmNodeId,
      cemNodeId: live.cemNodeId,
      s2Version: 'v1.0.0',
      controlType: 'FILL_RATE_BASED_CONTROL',
    });
    expect(body.snapshot).toEqual(expect.arrayContaining([details, measurement]));
  });

  it('404 for another tenant’s RM and an unknown one; 401 without a JWT', async () => {
    expect(await get(`${broker.url}/api/v1/rms/${live.rmNodeId}`, stranger.jwt)).toMatchObject({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'RM not found' },
    });
    expect((await get(`${broker.url}/api/v1/rms/${randomUUID()}`, tenant.jwt)).status).toBe(404);
    expect((await get(`${broker.url}/api/v1/rms/${live.rmNodeId}`)).status).toBe(401);
  });
});
