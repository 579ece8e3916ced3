// Requests for every operation of the OpenAPI document, each with the status it must get. A new
// endpoint needs its cases here: the conformance test fails for an operation without any.
import { randomUUID } from 'node:crypto';
import { type BrokerUrls, TEST_OPERATOR_TOKEN } from './broker.js';
import type { RmPairingServer } from './rm-pairing-server.js';
import { createCemNode, createTenant, post } from './s2-connect.js';
import { type ApiRequest, CLOSED_WEBHOOK_URL, consoleHeaders, type World } from './api-world.js';
import { ConsoleBrowser, operatorInvites, signedInUser, TEST_PASSWORD } from './console.js';

export interface CaseContext {
  /** The public port, where the tenant API is. */
  baseUrl: string;
  broker: BrokerUrls;
  /** The caller of the tenant cases. */
  a: World;
  /** Another tenant: its ids, asked for by `a`, must be 404. */
  b: World;
  rmServer: RmPairingServer;
}

/**
 * Without `path`, the operation's own; without `bearer`, the request carries the right credentials for
 * its prefix, and `bearer: undefined` sends none.
 */
export type CaseRequest = Partial<Omit<ApiRequest, 'method'>>;

export interface ApiCase {
  name: string;
  status: number;
  /** A 400 must name this field. */
  field?: string;
  request: (c: CaseContext) => CaseRequest | Promise<CaseRequest>;
}

const EXTERNAL_REF = `site-${randomUUID()}`;
const NO_AUTH = { bearer: undefined };
const BAD_OPERATOR = { bearer: 'not-the-operator-token' };

const WEBHOOK = { url: CLOSED_WEBHOOK_URL, eventTypes: ['pairing.removed'] };

async function revokedAccountId(c: CaseContext): Promise<string> {
  const created = await post(`${c.baseUrl}/api/v1/service-accounts`, { name: 'revoked' }, c.a.tenant.jwt);
  const { id } = created.body as { id: string };
  await post(`${c.baseUrl}/api/v1/service-accounts/${id}/revoke`, {}, c.a.tenant.jwt);
  return id;
}

let operatorUser: Promise<Record<string, string>> | undefined;

/** A signed-in operator user's cookie and CSRF header, made once per run. */
function operatorHeaders(c: CaseContext): Promise<Record<string, string>> {
  operatorUser ??= signedInUser(c.broker, null).then(({ browser }) => consoleHeaders(browser));
  return operatorUser;
}

/** Keyed `METHOD path` as the document names the operation; run in this order. */
export const API_CASES: Record<string, ApiCase[]> = {
  'POST /api/v1/auth/token': [
    {
      name: 'a JWT',
      status: 200,
      request: ({ a }) => ({
        ...NO_AUTH,
        body: { clientId: a.serviceAccount.clientId, clientSecret: a.serviceAccount.clientSecret },
      }),
    },
    {
      name: 'empty client id',
      status: 400,
      field: 'clientId',
      request: () => ({ ...NO_AUTH, body: { clientId: '', clientSecret: 'x' } }),
    },
    {
      name: 'wrong secret',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, body: { clientId: a.serviceAccount.clientId, clientSecret: 'wrong' } }),
    },
  ],
  'POST /api/v1/cem-nodes': [
    {
      name: 'created',
      status: 201,
      request: () => ({ body: { brand: 'Acme', type: 'EMS', modelName: 'M1', externalRef: EXTERNAL_REF } }),
    },
    {
      name: 'empty brand',
      status: 400,
      field: 'brand',
      request: () => ({ body: { brand: '', type: 'EMS', modelName: 'M1' } }),
    },
    {
      name: 'externalRef taken',
      status: 409,
      request: () => ({ body: { brand: 'Acme', type: 'EMS', modelName: 'M1', externalRef: EXTERNAL_REF } }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: () => ({ ...NO_AUTH, body: { brand: 'Acme', type: 'EMS', modelName: 'M1' } }),
    },
  ],
  'POST /api/v1/cem-nodes:batch': [
    {
      name: 'created with codes',
      status: 201,
      request: () => ({ body: { nodes: [{ brand: 'Acme', type: 'EMS', modelName: 'M2' }], pairingCodes: {} } }),
    },
    { name: 'no nodes', status: 400, field: 'nodes', request: () => ({ body: { nodes: [] } }) },
    {
      name: 'externalRef taken',
      status: 409,
      request: () => ({ body: { nodes: [{ brand: 'A', type: 'B', modelName: 'C', externalRef: EXTERNAL_REF }] } }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, body: { nodes: [] } }) },
  ],
  'GET /api/v1/cem-nodes': [
    { name: 'first page of one', status: 200, request: () => ({ path: '/api/v1/cem-nodes?limit=1' }) },
    { name: 'by externalRef', status: 200, request: () => ({ path: `/api/v1/cem-nodes?externalRef=${EXTERNAL_REF}` }) },
    { name: 'limit 0', status: 400, field: 'limit', request: () => ({ path: '/api/v1/cem-nodes?limit=0' }) },
    { name: 'forged cursor', status: 400, field: 'cursor', request: () => ({ path: '/api/v1/cem-nodes?cursor=x' }) },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/cem-nodes' }) },
  ],
  'GET /api/v1/cem-nodes/{id}': [
    { name: 'own node', status: 200, request: ({ a }) => ({ path: `/api/v1/cem-nodes/${a.node.id}` }) },
    { name: "another tenant's node", status: 404, request: ({ b }) => ({ path: `/api/v1/cem-nodes/${b.node.id}` }) },
    { name: 'not a UUID', status: 404, request: () => ({ path: '/api/v1/cem-nodes/abc' }) },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/cem-nodes/${a.node.id}` }) },
  ],
  'PATCH /api/v1/cem-nodes/{id}': [
    {
      name: 'renamed',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/cem-nodes/${a.node.id}`, body: { userDefinedName: 'Home' } }),
    },
    {
      name: 'brand not a string',
      status: 400,
      field: 'brand',
      request: ({ a }) => ({ path: `/api/v1/cem-nodes/${a.node.id}`, body: { brand: 5 } }),
    },
    {
      name: 'externalRef taken',
      status: 409,
      request: ({ a }) => ({ path: `/api/v1/cem-nodes/${a.node.id}`, body: { externalRef: EXTERNAL_REF } }),
    },
    {
      name: "another tenant's node",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/cem-nodes/${b.node.id}`, body: {} }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/cem-nodes/${a.node.id}`, body: {} }),
    },
  ],
  'POST /api/v1/cem-nodes/{id}/pairing-codes': [
    {
      name: 'a dynamic code',
      status: 201,
      request: ({ a }) => ({ path: `/api/v1/cem-nodes/${a.node.id}/pairing-codes`, body: {} }),
    },
    {
      name: 'unknown kind',
      status: 400,
      field: 'kind',
      request: ({ a }) => ({ path: `/api/v1/cem-nodes/${a.node.id}/pairing-codes`, body: { kind: 'x' } }),
    },
    {
      name: "another tenant's node",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/cem-nodes/${b.node.id}/pairing-codes`, body: {} }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/cem-nodes/${a.node.id}/pairing-codes`, body: {} }),
    },
  ],
  'POST /api/v1/cem-nodes/{id}/pairings': [
    {
      name: 'paired with the RM endpoint',
      status: 201,
      request: ({ a, rmServer }) => ({
        path: `/api/v1/cem-nodes/${a.node.id}/pairings`,
        body: { pairingUrl: rmServer.pairingUrl, pairingCode: rmServer.pairingCode },
      }),
    },
    {
      name: 'empty pairingUrl',
      status: 400,
      field: 'pairingUrl',
      request: ({ a }) => ({
        path: `/api/v1/cem-nodes/${a.node.id}/pairings`,
        body: { pairingUrl: '', pairingCode: 'rm7-abcd' },
      }),
    },
    {
      name: 'the RM endpoint does not know the code',
      status: 422,
      request: ({ a, rmServer }) => ({
        path: `/api/v1/cem-nodes/${a.node.id}/pairings`,
        body: { pairingUrl: rmServer.pairingUrl, pairingCode: 'rm7-wrongtoken' },
      }),
    },
    {
      name: "another tenant's node",
      status: 404,
      request: ({ b, rmServer }) => ({
        path: `/api/v1/cem-nodes/${b.node.id}/pairings`,
        body: { pairingUrl: rmServer.pairingUrl, pairingCode: rmServer.pairingCode },
      }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/cem-nodes/${a.node.id}/pairings`, body: {} }),
    },
  ],
  'GET /api/v1/pairings': [
    { name: 'all', status: 200, request: () => ({ path: '/api/v1/pairings' }) },
    {
      name: "one node's",
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/pairings?cemNodeId=${a.rm.cemNodeId}&limit=1` }),
    },
    {
      name: 'cemNodeId not a UUID',
      status: 400,
      field: 'cemNodeId',
      request: () => ({ path: '/api/v1/pairings?cemNodeId=abc' }),
    },
    {
      name: "another tenant's node",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/pairings?cemNodeId=${b.node.id}` }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/pairings' }) },
  ],
  'DELETE /api/v1/pairings/{rmNodeId}': [
    {
      name: 'the RM paired through the endpoint',
      status: 204,
      request: ({ rmServer }) => ({ path: `/api/v1/pairings/${rmServer.node.id}` }),
    },
    { name: "another tenant's RM", status: 404, request: ({ b }) => ({ path: `/api/v1/pairings/${b.rm.rmNodeId}` }) },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/pairings/${a.rm.rmNodeId}` }) },
  ],
  'DELETE /api/v1/cem-nodes/{id}': [
    {
      name: 'a new node',
      status: 204,
      request: async ({ baseUrl, a }) => ({ path: `/api/v1/cem-nodes/${(await createCemNode(baseUrl, a.tenant)).id}` }),
    },
    { name: "another tenant's node", status: 404, request: ({ b }) => ({ path: `/api/v1/cem-nodes/${b.node.id}` }) },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/cem-nodes/${a.node.id}` }) },
  ],
  'GET /api/v1/sessions': [
    { name: 'live sessions', status: 200, request: () => ({ path: '/api/v1/sessions' }) },
    {
      name: 'cemNodeId not a UUID',
      status: 400,
      field: 'cemNodeId',
      request: () => ({ path: '/api/v1/sessions?cemNodeId=abc' }),
    },
    {
      name: "another tenant's node",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/sessions?cemNodeId=${b.node.id}` }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/sessions' }) },
  ],
  'GET /api/v1/rms/{rmNodeId}': [
    { name: 'own RM', status: 200, request: ({ a }) => ({ path: `/api/v1/rms/${a.rm.rmNodeId}` }) },
    { name: "another tenant's RM", status: 404, request: ({ b }) => ({ path: `/api/v1/rms/${b.rm.rmNodeId}` }) },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/rms/${a.rm.rmNodeId}` }) },
  ],
  'GET /api/v1/rms/{rmNodeId}/messages': [
    {
      name: 'own RM',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/rms/${a.rm.rmNodeId}/messages?limit=10&type=PowerMeasurement` }),
    },
    {
      name: 'limit past the maximum',
      status: 400,
      field: 'limit',
      request: ({ a }) => ({ path: `/api/v1/rms/${a.rm.rmNodeId}/messages?limit=501` }),
    },
    {
      name: "another tenant's RM",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/rms/${b.rm.rmNodeId}/messages` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/rms/${a.rm.rmNodeId}/messages` }),
    },
  ],
  // Its 200 is an endless stream: test/message-history.e2e-spec.ts reads it.
  'GET /api/v1/rms/{rmNodeId}/messages/live': [
    {
      name: "another tenant's RM",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/rms/${b.rm.rmNodeId}/messages/live` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/rms/${a.rm.rmNodeId}/messages/live` }),
    },
  ],
  'GET /api/v1/settings/history': [
    { name: 'the policy', status: 200, request: () => ({ path: '/api/v1/settings/history' }) },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/settings/history' }) },
  ],
  'PUT /api/v1/settings/history': [
    {
      name: 'kept',
      status: 200,
      request: () => ({ body: { enabled: true, maxMessages: 100, maxAgeSeconds: 3600 } }),
    },
    {
      name: 'too many messages',
      status: 400,
      field: 'maxMessages',
      request: () => ({ body: { enabled: true, maxMessages: 10_001, maxAgeSeconds: 3600 } }),
    },
    { name: 'off', status: 200, request: () => ({ body: { enabled: false } }) },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, body: { enabled: false } }) },
  ],
  'POST /api/v1/service-accounts': [
    { name: 'created', status: 201, request: () => ({ body: { name: 'ci' } }) },
    { name: 'no name', status: 400, field: 'name', request: () => ({ body: {} }) },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, body: { name: 'ci' } }) },
  ],
  'GET /api/v1/service-accounts': [
    { name: 'a page', status: 200, request: () => ({ path: '/api/v1/service-accounts?limit=1000' }) },
    {
      name: 'limit past the maximum',
      status: 400,
      field: 'limit',
      request: () => ({ path: '/api/v1/service-accounts?limit=1001' }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/service-accounts' }) },
  ],
  'GET /api/v1/service-accounts/{id}': [
    {
      name: 'own account',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/service-accounts/${a.serviceAccount.id}` }),
    },
    {
      name: "another tenant's account",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/service-accounts/${b.serviceAccount.id}` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/service-accounts/${a.serviceAccount.id}` }),
    },
  ],
  'POST /api/v1/service-accounts/{id}/rotate-secret': [
    {
      name: 'own account',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/service-accounts/${a.serviceAccount.id}/rotate-secret` }),
    },
    {
      name: 'a revoked account',
      status: 409,
      request: async (c) => ({ path: `/api/v1/service-accounts/${await revokedAccountId(c)}/rotate-secret` }),
    },
    {
      name: "another tenant's account",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/service-accounts/${b.serviceAccount.id}/rotate-secret` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/service-accounts/${a.serviceAccount.id}/rotate-secret` }),
    },
  ],
  'POST /api/v1/service-accounts/{id}/revoke': [
    {
      name: 'a new account',
      status: 200,
      request: async ({ baseUrl, a }) => {
        const created = await post(`${baseUrl}/api/v1/service-accounts`, { name: 'to revoke' }, a.tenant.jwt);
        return { path: `/api/v1/service-accounts/${(created.body as { id: string }).id}/revoke` };
      },
    },
    {
      name: "another tenant's account",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/service-accounts/${b.serviceAccount.id}/revoke` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/service-accounts/${a.serviceAccount.id}/revoke` }),
    },
  ],
  'GET /api/v1/audit-events': [
    { name: 'newest first', status: 200, request: () => ({ path: '/api/v1/audit-events?limit=2' }) },
    {
      name: 'from not a date',
      status: 400,
      field: 'from',
      request: () => ({ path: '/api/v1/audit-events?from=yesterday' }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/audit-events' }) },
  ],
  'POST /api/v1/webhooks': [
    { name: 'registered', status: 201, request: () => ({ body: { ...WEBHOOK, description: 'ops' } }) },
    {
      name: 'http:// to another host than loopback',
      status: 400,
      field: 'url',
      request: () => ({ body: { ...WEBHOOK, url: 'http://hooks.example.com/s2' } }),
    },
    {
      name: 'no event type',
      status: 400,
      field: 'eventTypes',
      request: () => ({ body: { ...WEBHOOK, eventTypes: [] } }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, body: WEBHOOK }) },
  ],
  'GET /api/v1/webhooks': [
    { name: 'a page of one', status: 200, request: () => ({ path: '/api/v1/webhooks?limit=1' }) },
    {
      name: 'limit past the maximum',
      status: 400,
      field: 'limit',
      request: () => ({ path: '/api/v1/webhooks?limit=101' }),
    },
    { name: 'forged cursor', status: 400, field: 'cursor', request: () => ({ path: '/api/v1/webhooks?cursor=x' }) },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, path: '/api/v1/webhooks' }) },
  ],
  'GET /api/v1/webhooks/{id}': [
    { name: 'own endpoint', status: 200, request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}` }) },
    {
      name: "another tenant's endpoint",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/webhooks/${b.webhook.id}` }),
    },
    { name: 'not a UUID', status: 404, request: () => ({ path: '/api/v1/webhooks/abc' }) },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/webhooks/${a.webhook.id}` }) },
  ],
  'PATCH /api/v1/webhooks/{id}': [
    {
      name: 'described',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}`, body: { description: 'conformance' } }),
    },
    {
      name: 'enabled not a boolean',
      status: 400,
      field: 'enabled',
      request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}`, body: { enabled: 'yes' } }),
    },
    {
      name: "another tenant's endpoint",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/webhooks/${b.webhook.id}`, body: {} }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/webhooks/${a.webhook.id}`, body: {} }),
    },
  ],
  'POST /api/v1/webhooks/{id}/rotate-secret': [
    {
      name: 'own endpoint',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}/rotate-secret` }),
    },
    {
      name: "another tenant's endpoint",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/webhooks/${b.webhook.id}/rotate-secret` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/webhooks/${a.webhook.id}/rotate-secret` }),
    },
  ],
  'GET /api/v1/webhooks/{id}/dead-letters': [
    {
      name: 'the dead letter',
      status: 200,
      request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}/dead-letters?limit=1` }),
    },
    {
      name: 'forged cursor',
      status: 400,
      field: 'cursor',
      request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}/dead-letters?cursor=x` }),
    },
    {
      name: "another tenant's endpoint",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/webhooks/${b.webhook.id}/dead-letters` }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/webhooks/${a.webhook.id}/dead-letters` }),
    },
  ],
  'POST /api/v1/webhooks/{id}/dead-letters/{deliveryId}/redeliver': [
    {
      name: 'the dead letter',
      status: 202,
      request: ({ a }) => ({
        path: `/api/v1/webhooks/${a.webhook.id}/dead-letters/${a.webhook.deliveryId}/redeliver`,
      }),
    },
    {
      name: 'no such dead letter',
      status: 404,
      request: ({ a }) => ({ path: `/api/v1/webhooks/${a.webhook.id}/dead-letters/${randomUUID()}/redeliver` }),
    },
    {
      name: "another tenant's endpoint",
      status: 404,
      request: ({ b }) => ({
        path: `/api/v1/webhooks/${b.webhook.id}/dead-letters/${b.webhook.deliveryId}/redeliver`,
      }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({
        ...NO_AUTH,
        path: `/api/v1/webhooks/${a.webhook.id}/dead-letters/${a.webhook.deliveryId}/redeliver`,
      }),
    },
  ],
  'DELETE /api/v1/webhooks/{id}': [
    {
      name: 'a new endpoint',
      status: 204,
      request: async ({ baseUrl, a }) => {
        const created = await post(`${baseUrl}/api/v1/webhooks`, WEBHOOK, a.tenant.jwt);
        return { path: `/api/v1/webhooks/${(created.body as { id: string }).id}` };
      },
    },
    {
      name: "another tenant's endpoint",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/webhooks/${b.webhook.id}` }),
    },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/webhooks/${a.webhook.id}` }) },
  ],
  'POST /api/v1/console/session': [
    {
      name: 'signed in',
      status: 200,
      request: ({ a }) => ({ ...NO_AUTH, body: { email: a.user.email, password: TEST_PASSWORD } }),
    },
    { name: 'no email', status: 400, field: 'email', request: () => ({ ...NO_AUTH, body: { password: 'x' } }) },
    {
      name: 'wrong password',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, body: { email: a.user.email, password: 'wrong password!' } }),
    },
  ],
  'GET /api/v1/console/session': [
    { name: 'the session', status: 200, request: ({ a }) => ({ ...NO_AUTH, headers: a.user.headers }) },
    { name: 'no cookie', status: 401, request: () => NO_AUTH },
  ],
  'DELETE /api/v1/console/session': [
    {
      name: 'signed out',
      status: 204,
      request: async ({ broker, a }) => {
        const browser = new ConsoleBrowser(broker);
        await browser.signIn(a.user.email);
        return { ...NO_AUTH, headers: consoleHeaders(browser) };
      },
    },
    {
      name: 'no CSRF token',
      status: 403,
      request: ({ a }) => ({ ...NO_AUTH, headers: { cookie: a.user.headers.cookie ?? '' } }),
    },
    { name: 'no cookie', status: 401, request: () => NO_AUTH },
  ],
  'POST /api/v1/console/invitations/accept': [
    {
      name: 'joined',
      status: 200,
      request: async ({ broker, a }) => {
        const { token } = await operatorInvites(broker, a.tenant.id, 'viewer');
        return { ...NO_AUTH, body: { token, name: 'Joiner', password: TEST_PASSWORD } };
      },
    },
    {
      name: 'short password',
      status: 400,
      field: 'password',
      request: () => ({ ...NO_AUTH, body: { token: 'x', name: 'Joiner', password: 'short' } }),
    },
    {
      name: 'a spent invitation',
      status: 410,
      request: async ({ broker, a }) => {
        const { token } = await signedInUser(broker, a.tenant.id, 'viewer');
        return { ...NO_AUTH, body: { token, name: 'Joiner', password: TEST_PASSWORD } };
      },
    },
  ],
  'GET /api/v1/users': [
    { name: 'with a JWT', status: 200, request: () => ({}) },
    { name: 'with the session', status: 200, request: ({ a }) => ({ ...NO_AUTH, headers: a.user.headers }) },
    { name: 'no JWT', status: 401, request: () => NO_AUTH },
  ],
  'POST /api/v1/users/invitations': [
    {
      name: 'invited',
      status: 201,
      request: ({ a }) => ({
        ...NO_AUTH,
        headers: a.user.headers,
        body: { email: `invited-${randomUUID().slice(0, 8)}@example.com`, role: 'viewer' },
      }),
    },
    {
      name: 'unknown role',
      status: 400,
      field: 'role',
      request: () => ({ body: { email: 'x@example.com', role: 'root' } }),
    },
    { name: 'email taken', status: 409, request: ({ a }) => ({ body: { email: a.user.email, role: 'admin' } }) },
    {
      name: 'no CSRF token',
      status: 403,
      request: ({ a }) => ({
        ...NO_AUTH,
        headers: { cookie: a.user.headers.cookie ?? '' },
        body: { email: 'x@example.com', role: 'admin' },
      }),
    },
    { name: 'no JWT', status: 401, request: () => ({ ...NO_AUTH, body: { email: 'x@example.com', role: 'admin' } }) },
  ],
  'PATCH /api/v1/users/{id}': [
    {
      name: 'disabled',
      status: 200,
      request: async ({ broker, a }) => {
        const { browser } = await signedInUser(broker, a.tenant.id, 'viewer');
        return { path: `/api/v1/users/${browser.user?.id}`, body: { disabled: true } };
      },
    },
    {
      name: 'unknown role',
      status: 400,
      field: 'role',
      request: ({ a }) => ({ path: `/api/v1/users/${a.user.id}`, body: { role: 'operator' } }),
    },
    {
      name: 'oneself',
      status: 409,
      request: ({ a }) => ({
        ...NO_AUTH,
        headers: a.user.headers,
        path: `/api/v1/users/${a.user.id}`,
        body: { disabled: true },
      }),
    },
    {
      name: "another tenant's user",
      status: 404,
      request: ({ b }) => ({ path: `/api/v1/users/${b.user.id}`, body: { disabled: true } }),
    },
    {
      name: 'no JWT',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/users/${a.user.id}`, body: { disabled: true } }),
    },
  ],
  'DELETE /api/v1/users/{id}': [
    {
      name: 'a new user',
      status: 204,
      request: async ({ broker, a }) => {
        const { browser } = await signedInUser(broker, a.tenant.id, 'viewer');
        return { path: `/api/v1/users/${browser.user?.id}` };
      },
    },
    { name: "another tenant's user", status: 404, request: ({ b }) => ({ path: `/api/v1/users/${b.user.id}` }) },
    { name: 'no JWT', status: 401, request: ({ a }) => ({ ...NO_AUTH, path: `/api/v1/users/${a.user.id}` }) },
  ],
  'GET /api/v1/operator/tenants': [
    {
      name: 'a page of two',
      status: 200,
      request: async (c) => ({
        ...NO_AUTH,
        path: '/api/v1/operator/tenants?limit=2',
        headers: await operatorHeaders(c),
      }),
    },
    {
      name: 'forged cursor',
      status: 400,
      field: 'cursor',
      request: async (c) => ({
        ...NO_AUTH,
        path: '/api/v1/operator/tenants?cursor=x',
        headers: await operatorHeaders(c),
      }),
    },
    { name: "a tenant's admin", status: 403, request: ({ a }) => ({ ...NO_AUTH, headers: a.user.headers }) },
    { name: 'nobody', status: 401, request: () => NO_AUTH },
  ],
  'POST /api/v1/operator/tenants': [
    {
      name: 'created',
      status: 201,
      request: async (c) => ({
        ...NO_AUTH,
        headers: await operatorHeaders(c),
        body: { name: `console-${randomUUID().slice(0, 8)}` },
      }),
    },
    {
      name: 'empty name',
      status: 400,
      field: 'name',
      request: async (c) => ({ ...NO_AUTH, headers: await operatorHeaders(c), body: { name: '' } }),
    },
    {
      name: 'no CSRF token',
      status: 403,
      request: async (c) => ({
        ...NO_AUTH,
        headers: { cookie: (await operatorHeaders(c)).cookie ?? '' },
        body: { name: 'x' },
      }),
    },
    { name: 'nobody', status: 401, request: () => ({ ...NO_AUTH, body: { name: 'x' } }) },
  ],
  'POST /api/v1/operator/tenants/{id}/invitations': [
    {
      name: 'its first admin',
      status: 201,
      request: async (c) => ({
        ...NO_AUTH,
        headers: await operatorHeaders(c),
        path: `/api/v1/operator/tenants/${c.a.tenant.id}/invitations`,
        body: { email: `first-${randomUUID().slice(0, 8)}@example.com` },
      }),
    },
    {
      name: 'not an email',
      status: 400,
      field: 'email',
      request: async (c) => ({
        ...NO_AUTH,
        headers: await operatorHeaders(c),
        path: `/api/v1/operator/tenants/${c.a.tenant.id}/invitations`,
        body: { email: 'x' },
      }),
    },
    {
      name: 'unknown tenant',
      status: 404,
      request: async (c) => ({
        ...NO_AUTH,
        headers: await operatorHeaders(c),
        path: `/api/v1/operator/tenants/${randomUUID()}/invitations`,
        body: { email: 'x@example.com' },
      }),
    },
    {
      name: 'email taken',
      status: 409,
      request: async (c) => ({
        ...NO_AUTH,
        headers: await operatorHeaders(c),
        path: `/api/v1/operator/tenants/${c.a.tenant.id}/invitations`,
        body: { email: c.a.user.email },
      }),
    },
    {
      name: 'a service account',
      status: 403,
      request: ({ a }) => ({
        path: `/api/v1/operator/tenants/${a.tenant.id}/invitations`,
        body: { email: 'x@example.com' },
      }),
    },
    {
      name: 'nobody',
      status: 401,
      request: ({ a }) => ({
        ...NO_AUTH,
        path: `/api/v1/operator/tenants/${a.tenant.id}/invitations`,
        body: { email: 'x@example.com' },
      }),
    },
  ],
  'GET /api/v1/operator/replicas': [
    { name: 'the replicas', status: 200, request: async (c) => ({ ...NO_AUTH, headers: await operatorHeaders(c) }) },
    { name: 'a service account', status: 403, request: () => ({}) },
    { name: 'nobody', status: 401, request: () => NO_AUTH },
  ],
  'GET /api/v1/operator/health': [
    { name: 'health', status: 200, request: async (c) => ({ ...NO_AUTH, headers: await operatorHeaders(c) }) },
    { name: "a tenant's admin", status: 403, request: ({ a }) => ({ ...NO_AUTH, headers: a.user.headers }) },
    { name: 'nobody', status: 401, request: () => NO_AUTH },
  ],
  'POST /admin/v1/tenants': [
    { name: 'created', status: 201, request: () => ({ body: { name: `op-${randomUUID().slice(0, 8)}` } }) },
    { name: 'empty name', status: 400, field: 'name', request: () => ({ body: { name: '' } }) },
    { name: 'wrong operator token', status: 401, request: () => ({ ...BAD_OPERATOR, body: { name: 'x' } }) },
  ],
  'GET /admin/v1/tenants': [
    { name: 'a page of two', status: 200, request: () => ({ path: '/admin/v1/tenants?limit=2' }) },
    { name: 'forged cursor', status: 400, field: 'cursor', request: () => ({ path: '/admin/v1/tenants?cursor=x' }) },
    { name: 'no token', status: 401, request: () => ({ ...NO_AUTH, path: '/admin/v1/tenants' }) },
  ],
  'GET /admin/v1/tenants/{id}': [
    { name: 'a tenant', status: 200, request: ({ a }) => ({ path: `/admin/v1/tenants/${a.tenant.id}` }) },
    { name: 'unknown', status: 404, request: () => ({ path: `/admin/v1/tenants/${randomUUID()}` }) },
    {
      name: 'wrong operator token',
      status: 401,
      request: ({ a }) => ({ ...BAD_OPERATOR, path: `/admin/v1/tenants/${a.tenant.id}` }),
    },
  ],
  'PATCH /admin/v1/tenants/{id}': [
    {
      name: 'a quota',
      status: 200,
      request: ({ a }) => ({ path: `/admin/v1/tenants/${a.tenant.id}`, body: { maxSessions: 1000 } }),
    },
    {
      name: 'unknown status',
      status: 400,
      field: 'status',
      request: ({ a }) => ({ path: `/admin/v1/tenants/${a.tenant.id}`, body: { status: 'x' } }),
    },
    { name: 'unknown', status: 404, request: () => ({ path: `/admin/v1/tenants/${randomUUID()}`, body: {} }) },
    {
      name: 'no token',
      status: 401,
      request: ({ a }) => ({ ...NO_AUTH, path: `/admin/v1/tenants/${a.tenant.id}`, body: {} }),
    },
  ],
  'DELETE /admin/v1/tenants/{id}': [
    {
      name: 'a new tenant',
      status: 204,
      request: async ({ broker }) => ({ path: `/admin/v1/tenants/${(await createTenant(broker)).id}` }),
    },
    { name: 'unknown', status: 404, request: () => ({ path: `/admin/v1/tenants/${randomUUID()}` }) },
    { name: 'no token', status: 401, request: () => ({ ...NO_AUTH, path: `/admin/v1/tenants/${randomUUID()}` }) },
  ],
  'POST /admin/v1/operators/invitations': [
    {
      name: 'invited',
      status: 201,
      request: () => ({ body: { email: `operator-${randomUUID().slice(0, 8)}@example.com` } }),
    },
    { name: 'not an email', status: 400, field: 'email', request: () => ({ body: { email: 'nobody' } }) },
    { name: 'no token', status: 401, request: () => ({ ...NO_AUTH, body: { email: 'x@example.com' } }) },
  ],
  'POST /admin/v1/tenants/{id}/invitations': [
    {
      name: 'its first admin',
      status: 201,
      request: ({ a }) => ({
        path: `/admin/v1/tenants/${a.tenant.id}/invitations`,
        body: { email: `admin-${randomUUID().slice(0, 8)}@example.com`, role: 'admin' },
      }),
    },
    {
      name: 'no role',
      status: 400,
      field: 'role',
      request: ({ a }) => ({ path: `/admin/v1/tenants/${a.tenant.id}/invitations`, body: { email: 'x@example.com' } }),
    },
    {
      name: 'unknown tenant',
      status: 404,
      request: () => ({
        path: `/admin/v1/tenants/${randomUUID()}/invitations`,
        body: { email: 'x@example.com', role: 'admin' },
      }),
    },
    {
      name: 'email taken',
      status: 409,
      request: ({ a }) => ({
        path: `/admin/v1/tenants/${a.tenant.id}/invitations`,
        body: { email: a.user.email, role: 'admin' },
      }),
    },
    {
      name: 'no token',
      status: 401,
      request: ({ a }) => ({
        ...NO_AUTH,
        path: `/admin/v1/tenants/${a.tenant.id}/invitations`,
        body: { email: 'x@example.com', role: 'admin' },
      }),
    },
  ],
  'GET /admin/v1/audit-events': [
    {
      name: "one tenant's",
      status: 200,
      request: ({ a }) => ({ path: `/admin/v1/audit-events?tenantId=${a.tenant.id}` }),
    },
    {
      name: 'tenantId not a UUID',
      status: 400,
      field: 'tenantId',
      request: () => ({ path: '/admin/v1/audit-events?tenantId=abc' }),
    },
    { name: 'no token', status: 401, request: () => ({ ...NO_AUTH, path: '/admin/v1/audit-events' }) },
  ],
};

/** The method and path of an operation key, and the credentials its prefix needs. */
export function resolveCase(operation: string, request: CaseRequest, a: World): ApiRequest {
  const [method = '', path = ''] = operation.split(' ');
  const resolved: ApiRequest = { method, path: request.path ?? path, body: request.body, headers: request.headers };
  if ('bearer' in request) {
    if (request.bearer !== undefined) resolved.bearer = request.bearer;
  } else {
    resolved.bearer = path.startsWith('/admin/') ? TEST_OPERATOR_TOKEN : a.tenant.jwt;
  }
  return resolved;
}
