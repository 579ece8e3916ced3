// A tenant with one of everything the tenant API can name by id, for tests that drive every endpoint.
import { randomUUID } from 'node:crypto';
import {
  type CemNode,
  createCemNode,
  createTenant,
  post,
  rmWithSession,
  type RmWithSession,
  type Tenant,
} from './s2-connect.js';

export interface World {
  tenant: Tenant;
  /** Kept: the id the read and write cases name. */
  node: CemNode;
  /** An RM paired with a node of its own, with a started session. */
  rm: RmWithSession;
  serviceAccount: { id: string; clientId: string; clientSecret: string };
}

export async function buildWorld(baseUrl: string): Promise<World> {
  const tenant = await createTenant(baseUrl, `world-${randomUUID().slice(0, 8)}`);
  const node = await createCemNode(baseUrl, tenant);
  const rm = await rmWithSession(baseUrl, tenant);
  const created = await post(`${baseUrl}/api/v1/service-accounts`, { name: 'spare' }, tenant.jwt);
  if (created.status !== 201) throw new Error(`service account: ${created.status}`);
  return { tenant, node, rm, serviceAccount: created.body as World['serviceAccount'] };
}

export interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  /** `undefined`: no Authorization header. */
  bearer?: string;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  text: string;
}

export async function send(baseUrl: string, request: ApiRequest): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
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
