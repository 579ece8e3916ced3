// Webhooks through real processes: the api and gateway in one broker, delivery in a separate worker
// process that the tests kill and restart, a local receiver that fails, goes away and comes back.
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from './support/broker.js';
import { createTenant, del, get, post, rmWithSession, sql, type Tenant } from './support/s2-connect.js';
import { startReceiver, type Receiver, verifySignature, type WebhookEvent } from './support/webhook-receiver.js';
import { storedWebhookSecret } from './support/stored-secrets.js';
import { connect } from './support/ws-peer.js';
import type { RedisClient } from '#redis';
import { openTestRedis } from './support/redis.js';

const ALL_TYPES = ['pairing.created', 'session.opened', 'session.closed', 'pairing.removed'];
const WEBHOOK_ENV = { WEBHOOK_MAX_ATTEMPTS: '10', WEBHOOK_BACKOFF_BASE_MS: '100', WEBHOOK_BACKOFF_MAX_MS: '1000' };

let broker: Broker;
let worker: Broker;
let tenant: Tenant;
let redis: RedisClient;

const startWorker = () => startBroker({ env: { ROLES: 'worker', INSTANCE_ID: 'e2e-worker', ...WEBHOOK_ENV } });

beforeAll(async () => {
  broker = await startBroker({ env: { ROLES: 'gateway,api', ...WEBHOOK_ENV } });
  worker = await startWorker();
  tenant = await createTenant(broker);
  redis = openTestRedis();
});

afterAll(async () => {
  await worker?.stop();
  await broker?.stop();
  redis?.disconnect();
});

async function send(method: string, path: string, body?: unknown, bearer = tenant.jwt) {
  const response = await fetch(`${broker.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> };
}

interface Endpoint {
  id: string;
  secret: string;
}

async function register(receiver: Receiver, owner: Tenant = tenant, eventTypes = ALL_TYPES): Promise<Endpoint> {
  const created = await post(`${broker.url}/api/v1/webhooks`, { url: receiver.url, eventTypes }, owner.jwt);
  expect(created.status).toBe(201);
  return created.body as Endpoint;
}

/** Polls until `check` is true: for states only the database or Redis can show. */
async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/** Whether the broker has put this event on its stream (the session events come from the gateway). */
async function onStream(type: string, rmNodeId: string): Promise<boolean> {
  const entries = await redis.xrevrange('s2b:events', '+', '-', 'COUNT', 500);
  return entries.some(([, fields]) => {
    const event = JSON.parse(fields[1] ?? '{}') as { type?: string; rmNodeId?: string };
    return event.type === type && event.rmNodeId === rmNodeId;
  });
}

/** An RM's whole life: paired, a session opened and closed, unpaired. */
async function rmLifecycle(owner: Tenant = tenant): Promise<string> {
  const rm = await rmWithSession(broker.url, owner);
  const peer = await connect(`${broker.url.replace('http', 'ws')}/s2/v1/ws`, rm.websocketToken);
  await until(() => onStream('session.opened', rm.rmNodeId));
  peer.close();
  await until(() => onStream('session.closed', rm.rmNodeId));
  expect((await del(`${broker.url}/api/v1/pairings/${rm.rmNodeId}`, owner.jwt)).status).toBe(204);
  return rm.rmNodeId;
}

const typesOf = (events: WebhookEvent[], rmNodeId: string) =>
  events.filter((event) => event.data.rmNodeId === rmNodeId).map((event) => event.type);

/** Delivered events of one RM in arrival order, duplicates (same id) dropped as a receiver would. */
function firstArrivals(events: WebhookEvent[], rmNodeId: string): WebhookEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => event.data.rmNodeId === rmNodeId && !seen.has(event.id) && seen.add(event.id));
}

/** A local port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const allOf = (rmNodeIds: string[]) => (events: WebhookEvent[]) =>
  rmNodeIds.every((id) => new Set(firstArrivals(events, id).map((event) => event.type)).size === 4);

describe('delivery', () => {
  it('sends the four events of an RM, signed, each with its own stable id', async () => {
    const owner = await createTenant(broker);
    const receiver = await startReceiver();
    const endpoint = await register(receiver, owner);
    const rmNodeId = await rmLifecycle(owner);
    const events = await receiver.waitFor(allOf([rmNodeId]));
    expect(typesOf(events, rmNodeId)).toEqual(ALL_TYPES);
    const mine = receiver.requests.filter((request) => request.body.includes(rmNodeId));
    for (const request of mine) {
      expect(verifySignature(endpoint.secret, request.headers, request.body)).toBe(true);
      expect(verifySignature(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, request.headers, request.body)).toBe(
        false,
      );
      expect(request.headers['content-type']).toBe('application/json');
      const event = JSON.parse(request.body) as WebhookEvent;
      expect(request.headers['webhook-id']).toBe(event.id);
      expect(Math.abs(Number(request.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(event.tenantId).toBe(owner.id);
      expect(Date.parse(event.occurredAt)).not.toBeNaN();
    }
    const [created, opened, closed, removed] = firstArrivals(events, rmNodeId);
    expect(new Set([created?.id, opened?.id, closed?.id, removed?.id]).size).toBe(4);
    expect(created?.data).toEqual({ rmNodeId, cemNodeId: expect.any(String) as string });
    expect(opened?.data).toMatchObject({ rmNodeId, sessionId: expect.any(String) as string, s2Version: 'v1.0.0' });
    expect(closed?.data).toMatchObject({ rmNodeId, sessionId: opened?.data.sessionId });
    expect(removed?.data).toMatchObject({ rmNodeId, reason: 'unpaired-by-tenant' });
    await receiver.close();
  });

  it('sends only the subscribed event types, and nothing to another tenant', async () => {
    const owner = await createTenant(broker);
    const receiver = await startReceiver();
    await register(receiver, owner, ['pairing.removed']);
    const other = await createTenant(broker);
    const othersReceiver = await startReceiver();
    await register(othersReceiver, other);
    const rmNodeId = await rmLifecycle(owner);
    const othersRm = await rmLifecycle(other);
    await receiver.waitFor((events) => typesOf(events, rmNodeId).length === 1);
    await othersReceiver.waitFor(allOf([othersRm]));
    expect(typesOf(receiver.delivered(), rmNodeId)).toEqual(['pairing.removed']);
    expect(othersReceiver.delivered().some((event) => event.data.rmNodeId === rmNodeId)).toBe(false);
    expect(receiver.delivered().some((event) => event.data.rmNodeId === othersRm)).toBe(false);
    await receiver.close();
    await othersReceiver.close();
  });
});

describe('a receiver that is down for a while, and a worker that dies', () => {
  it('gets every event in the end, in order per RM, with the id it was first sent with', async () => {
    const owner = await createTenant(broker);
    const receiver = await startReceiver();
    const endpoint = await register(receiver, owner);
    receiver.answer(500);
    const first = await rmLifecycle(owner);
    // Tries fail and are retried with backoff: the first delivery of the lane is tried again and again.
    await until(async () => {
      const [row] = await sql<{ attempts: number }>(
        `SELECT max(attempts) AS attempts FROM webhook_deliveries WHERE endpoint_id = $1`,
        [endpoint.id],
      );
      return (row?.attempts ?? 0) >= 3;
    });
    // The worker dies mid-way; what happens meanwhile waits on the stream.
    worker.process.kill('SIGKILL');
    await worker.stop();
    await receiver.down();
    const second = await rmLifecycle(owner);
    const third = await rmLifecycle(owner);
    worker = await startWorker();
    // Tries now meet a refused connection.
    await until(async () => {
      const [row] = await sql<{ count: string }>(
        `SELECT count(*) AS count FROM webhook_deliveries WHERE endpoint_id = $1 AND last_error IS NOT NULL
           AND last_status IS NULL`,
        [endpoint.id],
      );
      return Number(row?.count ?? 0) >= 1;
    });
    receiver.answer(200);
    await receiver.up();
    const events = await receiver.waitFor(allOf([first, second, third]), 45_000);
    for (const rmNodeId of [first, second, third]) {
      expect(firstArrivals(events, rmNodeId).map((event) => event.type)).toEqual(ALL_TYPES);
    }
    // Every failed try carried the id (in the body and as webhook-id) and body the successful one has.
    const deliveredBodies = new Map(
      receiver.requests.filter((r) => r.answered === 200).map((r) => [JSON.parse(r.body).id as string, r.body]),
    );
    for (const failed of receiver.requests.filter((r) => r.answered === 500)) {
      const id = (JSON.parse(failed.body) as WebhookEvent).id;
      expect(failed.headers['webhook-id']).toBe(id);
      expect(deliveredBodies.get(id)).toBe(failed.body);
    }
    for (const request of receiver.requests) {
      expect(request.headers['webhook-id']).toBe((JSON.parse(request.body) as WebhookEvent).id);
      expect(verifySignature(endpoint.secret, request.headers, request.body)).toBe(true);
    }
    await receiver.close();
  }, 120_000);
});

describe('dead letters', () => {
  const deadLettersCounted = async () => {
    const text = await (await fetch(`${worker.internalUrl}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('s2b_webhook_dead_letters_total '));
    return Number(line?.split(' ')[1] ?? 0);
  };

  it('lists a delivery that used up its tries, and redelivers it with the same id', async () => {
    const counted = await deadLettersCounted();
    const owner = await createTenant(broker);
    const receiver = await startReceiver();
    receiver.answer(503);
    const endpoint = await register(receiver, owner, ['pairing.created']);
    const rm = await rmWithSession(broker.url, owner);
    let page: { items: Record<string, unknown>[]; nextCursor: string | null } = { items: [], nextCursor: null };
    await until(async () => {
      page = (await get(`${broker.url}/api/v1/webhooks/${endpoint.id}/dead-letters`, owner.jwt)).body as typeof page;
      return page.items.length > 0;
    });
    const [letter] = page.items;
    expect(letter).toMatchObject({ type: 'pairing.created', attempts: 10, lastStatus: 503, lastError: 'HTTP 503' });
    expect((letter?.event as WebhookEvent).data.rmNodeId).toBe(rm.rmNodeId);
    expect(receiver.requests.length).toBe(10);
    // What the dead-letter alert reads.
    expect((await deadLettersCounted()) - counted).toBeGreaterThanOrEqual(1);

    receiver.answer(204);
    const deliveryId = String(letter?.deliveryId);
    const redelivered = await post(
      `${broker.url}/api/v1/webhooks/${endpoint.id}/dead-letters/${deliveryId}/redeliver`,
      {},
      owner.jwt,
    );
    expect(redelivered.status).toBe(202);
    const events = await receiver.waitFor((all) => all.length === 1);
    expect(events[0]?.id).toBe(deliveryId);
    // Every try, the redelivery included, is one delivery to the receiver: one webhook-id, each signed.
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([deliveryId]));
    for (const request of receiver.requests)
      expect(verifySignature(endpoint.secret, request.headers, request.body)).toBe(true);
    expect((await get(`${broker.url}/api/v1/webhooks/${endpoint.id}/dead-letters`, owner.jwt)).body).toEqual({
      items: [],
      nextCursor: null,
    });
    const again = await post(
      `${broker.url}/api/v1/webhooks/${endpoint.id}/dead-letters/${deliveryId}/redeliver`,
      {},
      owner.jwt,
    );
    expect(again.status).toBe(404);
    await receiver.close();
  }, 60_000);
});

describe('a tenant whose receivers are all gone', () => {
  it('does not hold up a healthy tenant’s retries and dead letters', async () => {
    // Many lanes that fail on every try, as a broker with many tenants always has.
    const broken = await createTenant(broker);
    const gone = await closedPort();
    const brokenEndpoints: Endpoint[] = [];
    for (let i = 0; i < 60; i++) {
      const created = await post(
        `${broker.url}/api/v1/webhooks`,
        { url: `http://127.0.0.1:${gone}/hooks/${i}`, eventTypes: ALL_TYPES },
        broken.jwt,
      );
      expect(created.status).toBe(201);
      brokenEndpoints.push(created.body as Endpoint);
    }
    await rmLifecycle(broken);
    await until(async () => {
      const [row] = await sql<{ count: string }>(
        `SELECT count(DISTINCT endpoint_id) AS count FROM webhook_deliveries WHERE tenant_id = $1 AND attempts >= 2`,
        [broken.id],
      );
      return Number(row?.count ?? 0) >= brokenEndpoints.length;
    });

    const owner = await createTenant(broker);
    const receiver = await startReceiver();
    receiver.answer(503);
    const endpoint = await register(receiver, owner, ['pairing.created']);
    await rmWithSession(broker.url, owner);
    await until(async () => {
      const page = (await get(`${broker.url}/api/v1/webhooks/${endpoint.id}/dead-letters`, owner.jwt)).body as {
        items: unknown[];
      };
      return page.items.length > 0;
    });
    expect(receiver.requests.length).toBe(10);
    receiver.answer(204);
    const second = await rmWithSession(broker.url, owner);
    const events = await receiver.waitFor((all) => all.some((event) => event.data.rmNodeId === second.rmNodeId));
    expect(events.map((event) => event.type)).toEqual(['pairing.created']);
    // The broken tenant's lanes are still being retried: nothing was skipped to get here.
    const [pending] = await sql<{ count: string }>(
      `SELECT count(*) AS count FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'PENDING'`,
      [broken.id],
    );
    expect(Number(pending?.count)).toBeGreaterThan(0);
    for (const created of brokenEndpoints) await del(`${broker.url}/api/v1/webhooks/${created.id}`, broken.jwt);
    await receiver.close();
  }, 90_000);
});

describe('the webhooks API', () => {
  const url = 'https://hooks.example.com/s2';

  it('creates an endpoint with a drawn secret shown once, lists, updates, rotates and deletes it', async () => {
    const created = await send('POST', '/api/v1/webhooks', {
      url,
      eventTypes: ['pairing.created'],
      description: 'ops',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url, eventTypes: ['pairing.created'], description: 'ops', enabled: true });
    expect(String(created.body.secret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = String(created.body.id);

    const one = await send('GET', `/api/v1/webhooks/${id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    const list = await send('GET', '/api/v1/webhooks?limit=100');
    const items = list.body.items as Record<string, unknown>[];
    expect(items.map((item) => item.id)).toContain(id);
    expect(items.every((item) => !('secret' in item))).toBe(true);

    const patched = await send('PATCH', `/api/v1/webhooks/${id}`, {
      enabled: false,
      eventTypes: ['session.opened', 'session.closed'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ enabled: false, eventTypes: ['session.opened', 'session.closed'] });

    const rotated = await send('POST', `/api/v1/webhooks/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const [row] = await sql<{ secret: string }>('SELECT secret FROM webhook_endpoints WHERE id = $1', [id]);
    expect(row?.secret).not.toContain(String(rotated.body.secret));
    expect(storedWebhookSecret(row?.secret ?? '', id)).toBe(rotated.body.secret);

    expect((await send('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(204);
    expect((await send('GET', `/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await send('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('keeps a secret the tenant chose', async () => {
    const secret = `whsec_${Buffer.alloc(48, 3).toString('base64')}`;
    const created = await send('POST', '/api/v1/webhooks', { url, eventTypes: ['pairing.removed'], secret });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe(secret);
  });

  it.each([
    [{ eventTypes: ['pairing.created'] }, 'url: is required'],
    [{ url: 'http://hooks.example.com/', eventTypes: ['pairing.created'] }, 'url: must be an https:// URL'],
    [{ url: 'ftp://hooks.example.com/', eventTypes: ['pairing.created'] }, 'url: must be an https:// URL'],
    [{ url: 'https://u:p@hooks.example.com/', eventTypes: ['pairing.created'] }, 'url: must not contain credentials'],
    [{ url: 'not a url', eventTypes: ['pairing.created'] }, 'url: must be an absolute URL'],
    [{ url, eventTypes: [] }, 'eventTypes: must name at least one event type'],
    [{ url, eventTypes: ['message'] }, 'eventTypes[0]: must be one of'],
    [
      { url, eventTypes: ['pairing.created'], secret: 'my-own-webhook-secret-0123456789abcdef' },
      'secret: must start with whsec_',
    ],
    [
      { url, eventTypes: ['pairing.created'], secret: `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}` },
      'secret: must be whsec_ followed by standard Base64',
    ],
    [
      { url, eventTypes: ['pairing.created'], secret: `whsec_${Buffer.alloc(16).toString('base64')}` },
      'secret: must encode 24 to 64 bytes, not 16',
    ],
    [{ url, eventTypes: ['pairing.created'], extra: 1 }, 'extra: is not allowed'],
  ])('refuses %j with 400', async (body, message) => {
    const answer = await send('POST', '/api/v1/webhooks', body);
    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toContain(message);
  });

  it('refuses a bad change with 400', async () => {
    const created = await send('POST', '/api/v1/webhooks', { url, eventTypes: ['pairing.created'] });
    const answer = await send('PATCH', `/api/v1/webhooks/${String(created.body.id)}`, { enabled: 'yes' });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('enabled: must be a boolean');
    expect((await send('GET', '/api/v1/webhooks?limit=0')).status).toBe(400);
  });

  it('pages through the endpoints oldest first, and refuses a cursor it did not make', async () => {
    const owner = await createTenant(broker);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await send('POST', '/api/v1/webhooks', { url, eventTypes: ['pairing.created'] }, owner.jwt);
      ids.push(String(created.body.id));
    }
    type Item = { id: string; createdAt: string };
    const whole = (await send('GET', '/api/v1/webhooks', undefined, owner.jwt)).body.items as Item[];
    expect(whole.map((item) => item.id).sort()).toEqual([...ids].sort());
    expect(whole.map((item) => item.createdAt)).toEqual(whole.map((item) => item.createdAt).sort());
    const first = await send('GET', '/api/v1/webhooks?limit=2', undefined, owner.jwt);
    const next = String(first.body.nextCursor);
    const rest = await send('GET', `/api/v1/webhooks?limit=2&cursor=${next}`, undefined, owner.jwt);
    expect(rest.body.nextCursor).toBeNull();
    expect([...(first.body.items as Item[]), ...(rest.body.items as Item[])]).toEqual(whole);
    for (const path of [
      '/api/v1/webhooks?cursor=nonsense',
      `/api/v1/webhooks/${ids[0]}/dead-letters?cursor=${ids[0]}`,
    ]) {
      const answer = await send('GET', path, undefined, owner.jwt);
      expect(answer).toMatchObject({ status: 400, body: { message: 'cursor: is not a cursor of this listing' } });
    }
  });

  it('answers 404 for another tenant’s endpoint, whatever the call', async () => {
    const created = await send('POST', '/api/v1/webhooks', { url, eventTypes: ['pairing.created'] });
    const id = String(created.body.id);
    const other = await createTenant(broker);
    for (const [method, path, body] of [
      ['GET', `/api/v1/webhooks/${id}`],
      ['PATCH', `/api/v1/webhooks/${id}`, { enabled: false }],
      ['DELETE', `/api/v1/webhooks/${id}`],
      ['POST', `/api/v1/webhooks/${id}/rotate-secret`],
      ['GET', `/api/v1/webhooks/${id}/dead-letters`],
      ['POST', `/api/v1/webhooks/${id}/dead-letters/${id}/redeliver`],
      ['GET', '/api/v1/webhooks/not-a-uuid'],
    ] as const) {
      const answer = await send(method, path, body, other.jwt);
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    const list = await send('GET', '/api/v1/webhooks', undefined, other.jwt);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    expect((await send('GET', `/api/v1/webhooks/${id}`)).status).toBe(200);
  });

  it('needs a tenant JWT', async () => {
    expect((await fetch(`${broker.url}/api/v1/webhooks`)).status).toBe(401);
    expect((await send('POST', '/api/v1/webhooks', { url, eventTypes: ['pairing.created'] }, 'a.b.c')).status).toBe(
      401,
    );
  });
});
