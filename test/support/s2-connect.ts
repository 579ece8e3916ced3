// End-to-end helpers for S2 Connect: onboarding through the operator and tenant APIs, and raw pairing
// and session requests, so that tests can send exactly the (bad) request a check is about.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pairWithCem, startSession } from '#rm-client';
import { challengeResponse, newChallenge, type EndpointDescription, type NodeDescription } from '#s2-connect';
import { type BrokerUrls, TEST_OPERATOR_TOKEN } from './broker.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_test';

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Milliseconds from sending the request to the answer. */
  ms: number;
  at: number;
}

export function post(url: string, body: unknown, bearer?: string, raw = false): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  return timed(url, { method: 'POST', headers, body: raw ? (body as string) : JSON.stringify(body) });
}

export function del(url: string, bearer?: string): Promise<HttpAnswer> {
  return timed(url, { method: 'DELETE', headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } });
}

export function get(url: string, bearer?: string): Promise<HttpAnswer> {
  return timed(url, { headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } });
}

async function timed(url: string, init: RequestInit): Promise<HttpAnswer> {
  const started = Date.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const at = Date.now();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    ms: at - started,
    at,
  };
}

export interface Tenant {
  id: string;
  name: string;
  jwt: string;
}

export interface CemNode {
  id: string;
  nodeIdAlias: string;
}

export interface IssuedCode {
  pairingUrl: string;
  pairingCode: string;
  nodeIdAlias: string;
  token: string;
}

/** A tenant made by the operator (on the internal port) and its JWT (from the public one). */
export async function createTenant(broker: BrokerUrls, name = `tenant-${randomUUID().slice(0, 8)}`): Promise<Tenant> {
  const created = await post(
    `${broker.internalUrl}/admin/v1/tenants`,
    { name, logoUrl: 'https://aggregator.example/logo.png' },
    TEST_OPERATOR_TOKEN,
  );
  if (created.status !== 201) throw new Error(`tenant: ${created.status} ${JSON.stringify(created.body)}`);
  const { id, serviceAccount } = created.body as {
    id: string;
    serviceAccount: { clientId: string; clientSecret: string };
  };
  const token = await post(`${broker.url}/api/v1/auth/token`, serviceAccount);
  if (token.status !== 200) throw new Error(`token: ${token.status}`);
  return { id, name, jwt: (token.body as { accessToken: string }).accessToken };
}

export async function createCemNode(baseUrl: string, tenant: Tenant): Promise<CemNode> {
  const created = await post(
    `${baseUrl}/api/v1/cem-nodes`,
    { brand: 'Acme', type: 'EMS', modelName: 'Cloud CEM' },
    tenant.jwt,
  );
  if (created.status !== 201) throw new Error(`cem node: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body as CemNode;
}

export async function issueCode(
  baseUrl: string,
  tenant: Tenant,
  node: CemNode,
  body: object = {},
): Promise<IssuedCode> {
  const issued = await post(`${baseUrl}/api/v1/cem-nodes/${node.id}/pairing-codes`, body, tenant.jwt);
  if (issued.status !== 201) throw new Error(`pairing code: ${issued.status} ${JSON.stringify(issued.body)}`);
  const code = issued.body as Omit<IssuedCode, 'token'>;
  return { ...code, token: code.pairingCode.slice(code.nodeIdAlias.length + 1) };
}

export function rmNode(overrides: Partial<NodeDescription> = {}): NodeDescription {
  return { id: randomUUID(), brand: 'Volta', type: 'EV charger', modelName: 'V22', role: 'RM', ...overrides };
}

export const RM_ENDPOINT: EndpointDescription = { name: 'Volta cloud', deployment: 'WAN' };

export interface RequestPairingOptions {
  node?: NodeDescription;
  endpoint?: EndpointDescription;
  challenge?: string;
  nodeIdAlias?: string;
  nodeId?: string;
  supportedS2MessageVersions?: string[];
  supportedCommunicationProtocols?: string[];
  supportedHmacHashingAlgorithms?: string[];
  forcePairing?: boolean;
}

export function requestPairingBody(options: RequestPairingOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    clientNodeDescription: options.node ?? rmNode(),
    clientEndpointDescription: options.endpoint ?? RM_ENDPOINT,
    supportedCommunicationProtocols: options.supportedCommunicationProtocols ?? ['WebSocket'],
    supportedS2MessageVersions: options.supportedS2MessageVersions ?? ['v1.0.0', 'v0.0.2-beta'],
    supportedHmacHashingAlgorithms: options.supportedHmacHashingAlgorithms ?? ['SHA256'],
    clientHmacChallenge: options.challenge ?? newChallenge(),
  };
  if (options.nodeIdAlias !== undefined) body.nodeIdAlias = options.nodeIdAlias;
  if (options.nodeId !== undefined) body.nodeId = options.nodeId;
  if (options.forcePairing !== undefined) body.forcePairing = options.forcePairing;
  return body;
}

export interface Paired {
  rm: NodeDescription;
  cemNodeId: string;
  accessToken: string;
  initiateSessionUrl: string;
}

/** A whole pairing done by hand, step by step, checking the server's HMAC on the way. */
export async function pairByHand(
  baseUrl: string,
  code: IssuedCode,
  domain: string,
  rm: NodeDescription = rmNode(),
): Promise<Paired> {
  const challenge = newChallenge();
  const started = await post(
    `${baseUrl}/pairing/v1/requestPairing`,
    requestPairingBody({ node: rm, challenge, nodeIdAlias: code.nodeIdAlias }),
  );
  if (started.status !== 200) throw new Error(`requestPairing: ${started.status} ${JSON.stringify(started.body)}`);
  const answer = started.body as {
    pairingAttemptId: string;
    clientHmacChallengeResponse: string;
    serverHmacChallenge: string;
    serverNodeDescription: { id: string };
  };
  if (answer.clientHmacChallengeResponse !== challengeResponse(challenge, code.token, domain))
    throw new Error('server HMAC wrong');
  const details = await post(
    `${baseUrl}/pairing/v1/requestConnectionDetails`,
    { serverHmacChallengeResponse: challengeResponse(answer.serverHmacChallenge, code.token, domain) },
    answer.pairingAttemptId,
  );
  if (details.status !== 200) throw new Error(`requestConnectionDetails: ${details.status}`);
  const finalized = await post(`${baseUrl}/pairing/v1/finalizePairing`, { success: true }, answer.pairingAttemptId);
  if (finalized.status !== 204) throw new Error(`finalizePairing: ${finalized.status}`);
  const { accessToken, initiateSessionUrl } = details.body as { accessToken: string; initiateSessionUrl: string };
  return { rm, cemNodeId: answer.serverNodeDescription.id, accessToken, initiateSessionUrl };
}

/** An RM (a new one unless given) paired with a new CEM node of `owner`, or with node `cemNodeId` again. */
export async function pairRm(
  baseUrl: string,
  owner: Tenant,
  rm?: NodeDescription,
  cemNodeId?: string,
): Promise<Paired> {
  const node: CemNode =
    cemNodeId === undefined ? await createCemNode(baseUrl, owner) : { id: cemNodeId, nodeIdAlias: '' };
  return pairByHand(baseUrl, await issueCode(baseUrl, owner, node), 'localhost', rm);
}

/** Suspends a tenant through the operator API. */
export async function suspendTenant(broker: BrokerUrls, tenantId: string): Promise<void> {
  const patched = await fetch(`${broker.internalUrl}/admin/v1/tenants/${tenantId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'suspended' }),
  });
  if (patched.status !== 200) throw new Error(`suspend: ${patched.status}`);
}

/** Direct SQL for what no API offers yet (suspending a tenant, ageing a token). */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface RmWithSession {
  rmNodeId: string;
  cemNodeId: string;
  /** The active access token after the session started. */
  accessToken: string;
  initiateSessionUrl: string;
  websocketToken: string;
}

/** A new CEM node of `tenant` and a new RM paired with it through the RM client, as a device pairs. */
export async function pairThroughClient(
  baseUrl: string,
  tenant: Tenant,
): Promise<{ rmNodeId: string; cemNodeId: string; accessToken: string }> {
  const node = await createCemNode(baseUrl, tenant);
  const code = await issueCode(baseUrl, tenant, node);
  const rm = rmNode();
  const pairing = await pairWithCem({
    pairingUrl: code.pairingUrl,
    pairingCode: code.pairingCode,
    node: rm,
    endpoint: RM_ENDPOINT,
  });
  return { rmNodeId: rm.id, cemNodeId: node.id, accessToken: pairing.accessToken };
}

/** A new CEM node of `tenant`, an RM paired with it through the RM client, and a started session. */
export async function rmWithSession(baseUrl: string, tenant: Tenant, versions = ['v1.0.0']): Promise<RmWithSession> {
  const { rmNodeId, cemNodeId, accessToken } = await pairThroughClient(baseUrl, tenant);
  const session = await startSession({
    initiateSessionUrl: `${baseUrl}/session/`,
    accessTokens: [accessToken],
    clientNodeId: rmNodeId,
    serverNodeId: cemNodeId,
    supportedS2MessageVersions: versions,
  });
  return {
    rmNodeId,
    cemNodeId,
    accessToken: session.accessToken,
    initiateSessionUrl: `${baseUrl}/session/`,
    websocketToken: session.websocketToken,
  };
}
