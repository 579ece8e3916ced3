// Message history and the inspector's live feed, through the running broker, real PostgreSQL and Redis:
// the tenant's policy, what an RM's conversation leaves in its history with the broker's verdicts, the
// live stream of both directions, and that all of it ends with the pairing and stays within the tenant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InspectedMessage, inspectionKeys } from '#inspection';
import { powerMeasurement } from '#s2-json/testing';
import { type Broker, startBroker } from './support/broker.js';
import { openTestRedis } from './support/redis.js';
import { createTenant, del, get, type HttpAnswer, rmWithSession, type Tenant } from './support/s2-connect.js';
import { openSse, type SseStream } from './support/sse.js';
import { connect, type Peer } from './support/ws-peer.js';

const STREAMS_PER_TENANT = 3;
let broker: Broker;
const redis = openTestRedis();
const opened: { close(): void }[] = [];

beforeAll(async () => {
  broker = await startBroker({ env: { INSPECTOR_STREAMS_PER_TENANT: String(STREAMS_PER_TENANT) } });
});

afterAll(async () => {
  for (const thing of opened) thing.close();
  await broker?.stop();
  redis.disconnect();
});

const api = (path: string) => `${broker.url}/api/v1${path}`;
const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;

async function put(url: string, body: unknown, bearer: string): Promise<HttpAnswer> {
  const started = Date.now();
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    ms: Date.now() - started,
    at: Date.now(),
  };
}

const KEEP = { enabled: true, maxMessages: 50, maxAgeSeconds: 3600 } as const;

interface Conversation {
  rmNodeId: string;
  rm: Peer;
  cem: Peer;
}

/** A paired RM with a live session, and a CEM channel of its tenant that has seen the session open. */
async function conversation(tenant: Tenant): Promise<Conversation> {
  const session = await rmWithSession(broker.url, tenant);
  const cem = await connect(wsUrl('/cem/v1/ws'), tenant.jwt);
  const rm = await connect(wsUrl('/s2/v1/ws'), session.websocketToken);
  opened.push(cem, rm);
  await cem.next((f) => f.type === 'session.opened');
  return { rmNodeId: session.rmNodeId, rm, cem };
}

async function messages(
  tenant: Tenant,
  rmNodeId: string,
  query = '',
): Promise<{ items: InspectedMessage[]; nextCursor: string | null }> {
  const answer = await get(api(`/rms/${rmNodeId}/messages${query}`), tenant.jwt);
  expect(answer.status).toBe(200);
  return answer.body as { items: InspectedMessage[]; nextCursor: string | null };
}

async function live(tenant: Tenant, rmNodeId: string): Promise<SseStream> {
  const stream = await openSse(api(`/rms/${rmNodeId}/messages/live`), tenant.jwt);
  opened.push(stream);
  return stream;
}

const parsed = (stream: SseStream) =>
  stream.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as InspectedMessage);

// The gateway reads which RMs are watched once a second.
const tapIsRead = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('the history policy', () => {
  it('is off by default, reads back as set, and refuses values outside its bounds', async () => {
    const tenant = await createTenant(broker);
    const url = api('/settings/history');
    expect((await get(url, tenant.jwt)).body).toEqual({ enabled: false, maxMessages: null, maxAgeSeconds: null });
    expect(await put(url, KEEP, tenant.jwt)).toMatchObject({ status: 200, body: KEEP });
    expect((await get(url, tenant.jwt)).body).toEqual(KEEP);
    for (const bad of [
      { ...KEEP, maxMessages: 0 },
      { ...KEEP, maxMessages: 10_001 },
      { ...KEEP, maxAgeSeconds: 59 },
      { ...KEEP, maxAgeSeconds: 7 * 24 * 3600 + 1 },
      { ...KEEP, maxMessages: 1.5 },
      { enabled: true },
      { enabled: false, maxMessages: 5 },
      { enabled: 'yes' },
    ]) {
      const answer = await put(url, bad, tenant.jwt);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    }
    expect((await get(url, tenant.jwt)).body).toEqual(KEEP);
    expect(await put(url, { enabled: false }, tenant.jwt)).toMatchObject({
      status: 200,
      body: { enabled: false, maxMessages: null, maxAgeSeconds: null },
    });
    const audit = await get(api('/audit-events'), tenant.jwt);
    const changes = (audit.body as { items: { action: string; data: unknown }[] }).items.filter(
      (e) => e.action === 'tenant.history-changed',
    );
    expect(changes.map((e) => e.data)).toEqual(
      expect.arrayContaining([KEEP, { enabled: false, maxMessages: null, maxAgeSeconds: null }]),
    );
  });
});

describe("an RM's history", () => {
  it('keeps both directions with the verdicts, newest first, by type and page; another tenant gets 404', async () => {
    const tenant = await createTenant(broker);
    await put(api('/settings/history'), KEEP, tenant.jwt);
    const { rmNodeId, rm, cem } = await conversation(tenant);
    const good = powerMeasurement(42);
    rm.send(good);
    await cem.next((f) => f.type === 'message');
    rm.send({ message_type: 'PowerMeasurement', message_id: 'bad-1' });
    await rm.next((f) => f.message_type === 'ReceptionStatus');
    const ack = { message_type: 'ReceptionStatus', subject_message_id: good.message_id, status: 'OK' };
    cem.send({ type: 'message', rmNodeId, message: ack });
    await rm.next((f) => f.message_type === 'ReceptionStatus' && f.status === 'OK');

    await expect.poll(async () => (await messages(tenant, rmNodeId)).items.length, { timeout: 5_000 }).toBe(3);
    const { items } = await messages(tenant, rmNodeId);
    expect(items.map((m) => m.at)).toEqual([...items.map((m) => m.at)].sort((x, y) => y - x));
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ direction: 'rm_to_cem', verdict: 'delivered', message: good, rmNodeId }),
        expect.objectContaining({
          direction: 'rm_to_cem',
          verdict: 'rejected',
          message: { message_type: 'PowerMeasurement', message_id: 'bad-1' },
          reply: expect.objectContaining({ message_type: 'ReceptionStatus', status: 'INVALID_MESSAGE' }),
        }),
        expect.objectContaining({ direction: 'cem_to_rm', verdict: 'delivered', message: ack }),
      ]),
    );

    const measurements = await messages(tenant, rmNodeId, '?type=PowerMeasurement');
    expect(measurements.items.map((m) => (m.message as { message_id: string }).message_id).sort()).toEqual(
      [good.message_id, 'bad-1'].sort(),
    );
    const paged: InspectedMessage[] = [];
    let cursor: string | null = null;
    do {
      const page = await messages(tenant, rmNodeId, `?limit=1${cursor === null ? '' : `&before=${cursor}`}`);
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(items);
    expect((await get(api(`/rms/${rmNodeId}/messages?limit=0`), tenant.jwt)).status).toBe(400);
    expect((await get(api(`/rms/${rmNodeId}/messages?before=yesterday`), tenant.jwt)).status).toBe(400);

    const other = await createTenant(broker);
    await put(api('/settings/history'), KEEP, other.jwt);
    expect(await get(api(`/rms/${rmNodeId}/messages`), other.jwt)).toMatchObject({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'RM not found' },
    });
    const refused = await live(other, rmNodeId);
    expect(refused).toMatchObject({ status: 404, body: { statusCode: 404, message: 'RM not found' } });
  });

  it('keeps nothing while the tenant keeps no history, and starts and stops with the policy', async () => {
    const tenant = await createTenant(broker);
    const { rmNodeId, rm, cem } = await conversation(tenant);
    rm.send(powerMeasurement(1));
    await cem.next((f) => f.type === 'message');
    // Past the gateway's next write of what it gathered.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await redis.exists(inspectionKeys.history(rmNodeId))).toBe(0);
    expect((await messages(tenant, rmNodeId)).items).toEqual([]);

    // The live session follows the policy at once, without reconnecting.
    await put(api('/settings/history'), KEEP, tenant.jwt);
    await expect
      .poll(
        async () => {
          rm.send(powerMeasurement(2));
          return (await messages(tenant, rmNodeId)).items.length;
        },
        { timeout: 5_000, interval: 300 },
      )
      .toBeGreaterThan(0);

    await put(api('/settings/history'), { enabled: false }, tenant.jwt);
    expect((await messages(tenant, rmNodeId)).items).toEqual([]);
    await expect.poll(() => redis.exists(inspectionKeys.history(rmNodeId)), { timeout: 5_000 }).toBe(0);
  });
});

describe('the live stream', () => {
  it('relays both directions to every viewer of the RM, ends with the unpairing, which removes the history', async () => {
    const tenant = await createTenant(broker);
    await put(api('/settings/history'), KEEP, tenant.jwt);
    const { rmNodeId, rm, cem } = await conversation(tenant);
    const first = await live(tenant, rmNodeId);
    const second = await live(tenant, rmNodeId);
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    expect(Number(await redis.hget(inspectionKeys.taps(), rmNodeId))).toBeGreaterThan(Date.now());
    await tapIsRead();

    const measurement = powerMeasurement(7);
    rm.send(measurement);
    await cem.next((f) => f.type === 'message');
    const ack = { message_type: 'ReceptionStatus', subject_message_id: measurement.message_id, status: 'OK' };
    cem.send({ type: 'message', rmNodeId, message: ack });
    for (const stream of [first, second]) {
      await stream.next((e) => e.event === 'message' && e.data.includes('"cem_to_rm"'));
      expect(parsed(stream)).toEqual([
        expect.objectContaining({ direction: 'rm_to_cem', verdict: 'delivered', message: measurement, rmNodeId }),
        expect.objectContaining({ direction: 'cem_to_rm', verdict: 'delivered', message: ack, rmNodeId }),
      ]);
    }
    await expect.poll(async () => (await messages(tenant, rmNodeId)).items.length).toBe(2);

    expect((await del(api(`/pairings/${rmNodeId}`), tenant.jwt)).status).toBe(204);
    for (const stream of [first, second]) {
      expect(JSON.parse((await stream.next((e) => e.event === 'end')).data)).toEqual({ reason: 'unpaired' });
      await stream.ended;
    }
    // The last viewer gone, nobody watches the RM any more.
    await expect.poll(() => redis.hexists(inspectionKeys.taps(), rmNodeId), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => redis.exists(inspectionKeys.history(rmNodeId)), { timeout: 5_000 }).toBe(0);
    expect((await get(api(`/rms/${rmNodeId}/messages`), tenant.jwt)).status).toBe(404);
  });

  it("holds at most the deployment's number of streams per tenant, and gives the slot back when one closes", async () => {
    const tenant = await createTenant(broker);
    const { rmNodeId } = await conversation(tenant);
    const streams: SseStream[] = [];
    for (let i = 0; i < STREAMS_PER_TENANT; i++) streams.push(await live(tenant, rmNodeId));
    expect(streams.map((s) => s.status)).toEqual(Array(STREAMS_PER_TENANT).fill(200));
    const refused = await live(tenant, rmNodeId);
    expect(refused).toMatchObject({
      status: 429,
      body: {
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringContaining(`${STREAMS_PER_TENANT} live`),
      },
    });
    // Another tenant's slots are its own.
    const other = await createTenant(broker);
    const { rmNodeId: otherRm } = await conversation(other);
    expect((await live(other, otherRm)).status).toBe(200);

    streams[0]?.close();
    await expect
      .poll(
        async () => {
          const stream = await live(tenant, rmNodeId);
          return stream.status;
        },
        { timeout: 5_000, interval: 200 },
      )
      .toBe(200);
  });
});
