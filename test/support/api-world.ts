// A tenant with one of everything the tenant API can name by id, for tests that drive every endpoint.
import { randomUUID } from 'node:crypto';
import type { BrokerUrls } from './broker.js';
import { COOKIE_NAME, signedInUser } from './console.js';
import {
  type CemNode,
  createCemNode,
  createTenant,
  post,
  rmWithSession,
  type RmWithSession,
  sql,
  type Tenant,
} from './s2-connect.js';

export interface World {
  tenant: Tenant;
  /** Kept: the id the read and write cases name. */
  node: CemNode;
  /** An RM paired with a node of its own, with a started session. */
  rm: RmWithSession;
  serviceAccount: { id: string; clientId: string; clientSecret: string };
  /** A webhook endpoint (to a closed port) with one dead letter, `deliveryId`. */
  webhook: { id: string; deliveryId: string };
  /** A console admin of the tenant, signed in: `headers` are its cookie and CSRF token. */
  user: { id: string; email: string; headers: Record<string, string> };
}

/** Nothing listens there: should a worker try to deliver, the try fails at once. */
export const CLOSED_WEBHOOK_URL = 'https://127.0.0.1:1/s2-events';

/**
 * A delivery that used up its tries, written as the worker leaves one: a lane of the endpoint and a
 * dead row in it (the event itself need not have happened).
 */
async function insertDeadLetter(tenant: Tenant, endpointId: string, rmNodeId: string): Promise<string> {
  const laneId = randomUUID();
  await sql('INSERT INTO webhook_lanes (id, endpoint_id, rm_node_id, next_seq) VALUES ($1, $2, $3, 2)', [
    laneId,
    endpointId,
    rmNodeId,
  ]);
  const deliveryId = randomUUID();
  const event = {
    id: deliveryId,
    type: 'pairing.removed',
    occurredAt: new Date().toISOString(),
    tenantId: tenant.id,
    data: { rmNodeId, cemNodeId: randomUUID(), reason: 'unpaired-by-tenant' },
  };
  await sql(
    `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, lane_id, seq, event_id, event_type, payload,
       status, attempts, last_status, last_error, last_attempt_at, finished_at)
     VALUES ($1, $2, $3, $4, 1, $5, 'pairing.removed', $6, 'DEAD', 10, 503, 'HTTP 503', now(), now())`,
    [deliveryId, tenant.id, endpointId, laneId, `test-${deliveryId}`, JSON.stringify(event)],
  );
  return deliveryId;
}

export async function buildWorld(broker: BrokerUrls): Promise<World> {
  const baseUrl = broker.url;
  const tenant = await createTenant(broker, `world-${randomUUID().slice(0, 8)}`);
  const node = await createCemNode(baseUrl, tenant);
  const rm = await rmWithSession(baseUrl, tenant);
  const created = await post(`${baseUrl}/api/v1/service-accounts`, { name: 'spare' }, tenant.jwt);
  if (created.status !== 201) throw new Error(`service account: ${created.status}`);
  const endpoint = await post(
    `${baseUrl}/api/v1/webhooks`,
    { url: CLOSED_WEBHOOK_URL, eventTypes: ['pairing.removed'] },
    tenant.jwt,
  );
  if (endpoint.status !== 201) throw new Error(`webhook: ${endpoint.status}`);
  const { id } = endpoint.body as { id: string };
  const deliveryId = await insertDeadLetter(tenant, id, rm.rmNodeId);
  const { browser, email } = await signedInUser(broker, tenant.id);
  const user = { id: browser.user?.id ?? '', email, headers: consoleHeaders(browser) };
  return {
    tenant,
    node,
    rm,
    serviceAccount: created.body as World['serviceAccount'],
    webhook: { id, deliveryId },
    user,
  };
}

/** What a signed-in browser sends with a change: its session cookie and the CSRF header. */
export function consoleHeaders(browser: {
  cookie?: string | undefined;
  csrfToken?: string | undefined;
}): Record<string, string> {
  return { cookie: `${COOKIE_NAME}=${browser.cookie ?? ''}`, 'x-csrf-token': browser.csrfToken ?? '' };
}

export interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  /** `undefined`: no Authorization header. */
  bearer?: string;
  /** More headers (a console session's cookie and CSRF token). */
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** Sends `request` to the port that serves its path: the operator API is on the internal one. */
export async function send(broker: BrokerUrls, request: ApiRequest): Promise<ApiAnswer> {
  const baseUrl = request.path.startsWith('/admin/') ? broker.internalUrl : broker.url;
  const headers: Record<string, string> = { ...request.headers };
  if (request.bearer !== undefined) headers.authorization = `Bearer ${request.bearer}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
