// The OpenAPI document against the running broker: it is a valid OpenAPI 3.0 document, every operation
// in it has cases (and every case an operation), and every real answer has a documented status and
// matches the documented schema. Then tenant isolation, driven by the same document: every
// `/api/v1` operation that takes an id answers another tenant's id with 404, and so does the CEM channel.
import { validate as validateOpenApi } from '@hyperjump/json-schema/openapi-3-0';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_CASES, type CaseContext, resolveCase } from './support/api-cases.js';
import { buildWorld, send, type World } from './support/api-world.js';
import { type Broker, startBroker } from './support/broker.js';
import { type RmPairingServer, startRmPairingServer } from './support/rm-pairing-server.js';
import { connect, refusedStatus } from './support/ws-peer.js';

const CA_FILE = fileURLToPath(new URL('./support/tls/ca.pem', import.meta.url));

interface Operation {
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, object> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let broker: Broker;
let rmServer: RmPairingServer;
let a: World;
let b: World;
let document: OpenApiDocument;

beforeAll(async () => {
  [broker, rmServer] = await Promise.all([
    startBroker({
      env: { TLS_CA_CERT_FILE: CA_FILE, PAIRING_CLIENT_ALLOW_HTTP: 'true', PAIRING_CLIENT_TIMEOUT_SECONDS: '2' },
    }),
    startRmPairingServer(),
  ]);
  [a, b] = await Promise.all([buildWorld(broker), buildWorld(broker)]);
  const answer = await fetch(`${broker.url}/api/openapi.json`);
  expect(answer.status).toBe(200);
  document = (await answer.json()) as OpenApiDocument;
});

afterAll(async () => {
  await Promise.all([broker?.stop(), rmServer?.close()]);
});

function operations(): { key: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, operation })),
  );
}

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
const validators = new Map<object, ValidateFunction>();

/** The documented schema, its `#/components/...` refs resolved within the document. */
function validatorOf(schema: object): ValidateFunction {
  let validator = validators.get(schema);
  if (validator === undefined) {
    validator = ajv.compile({ ...schema, components: document.components });
    validators.set(schema, validator);
  }
  return validator;
}

describe('the document', () => {
  it('is a valid OpenAPI 3.0 document of /api/v1 and /admin/v1 only', async () => {
    expect(document.openapi).toMatch(/^3\.0\./);
    // `as never`: the validator's Json type wants an index signature that the document's interface lacks.
    const output = await validateOpenApi('https://spec.openapis.org/oas/3.0/schema', document as never);
    expect(output.valid).toBe(true);
    for (const path of Object.keys(document.paths)) expect(path).toMatch(/^\/(api|admin)\/v1\//);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual([
      'consoleSession',
      'operatorToken',
      'tenantJwt',
    ]);
  });

  it('has cases for every operation, and no case for an operation it does not have', () => {
    const documented = operations().map((op) => op.key);
    expect(documented.filter((key) => !(key in API_CASES))).toEqual([]);
    expect(Object.keys(API_CASES).filter((key) => !documented.includes(key))).toEqual([]);
  });

  it('is served with a Swagger UI whose assets are local', async () => {
    const page = await fetch(`${broker.url}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /<script src="([^"]+swagger-ui-bundle\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script ?? '', `${broker.url}/api/docs`));
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
    const init = await fetch(`${broker.url}/api/docs/swagger-ui-init.js`);
    expect(await init.text()).toContain('"openapi"');
  });
});

describe('every operation answers as documented', () => {
  const context = (): CaseContext => ({ baseUrl: broker.url, broker, a, b, rmServer });

  for (const [key, cases] of Object.entries(API_CASES)) {
    it(key, async () => {
      const [method = '', path = ''] = key.split(' ');
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation, `${key} is not in the document`).toBeDefined();
      for (const testCase of cases) {
        const request = resolveCase(key, await testCase.request(context()), a);
        const answer = await send(broker, request);
        const label = `${key}: ${testCase.name} (${request.method} ${request.path})`;
        expect(answer.status, `${label}: ${answer.text}`).toBe(testCase.status);
        const documented = operation?.responses[String(answer.status)];
        expect(documented, `${label}: status ${answer.status} is not documented`).toBeDefined();
        const schema = documented?.content?.['application/json']?.schema;
        if (schema === undefined) {
          expect(answer.text, `${label}: no body is documented`).toBe('');
        } else {
          const validator = validatorOf(schema);
          expect(validator(answer.body), `${label}: ${ajv.errorsText(validator.errors)} in ${answer.text}`).toBe(true);
        }
        if (testCase.field !== undefined) {
          const message = String((answer.body as { message?: unknown }).message);
          expect(
            message.split('; ').some((part) => part.startsWith(`${testCase.field}:`)),
            `${label}: ${message}`,
          ).toBe(true);
        }
      }
    });
  }
});

/** A's id for a parameter of an operation: a new endpoint with an id must be added here. */
function idOfA(path: string, name: string): string {
  if (name === 'rmNodeId') return a.rm.rmNodeId;
  if (name === 'cemNodeId' || path.startsWith('/api/v1/cem-nodes/')) return a.node.id;
  if (path.startsWith('/api/v1/service-accounts/')) return a.serviceAccount.id;
  if (name === 'deliveryId') return a.webhook.deliveryId;
  if (path.startsWith('/api/v1/webhooks/')) return a.webhook.id;
  if (path.startsWith('/api/v1/users/')) return a.user.id;
  throw new Error(`no id of tenant A for {${name}} of ${path}`);
}

/** A query parameter naming a node (`cemNodeId`), as opposed to a free-form filter such as `subjectId`. */
function isIdQuery(parameter: { name: string; in: string }): boolean {
  return parameter.in === 'query' && /NodeId$/.test(parameter.name);
}

describe("tenant B asking for tenant A's objects", () => {
  it('gets 404 from every /api/v1 operation that takes an id, and changes nothing of A', async () => {
    const withIds = operations().filter(
      ({ path, operation }) =>
        // The operator's view is across tenants by design: no tenant may use it at all (403).
        path.startsWith('/api/v1/') &&
        !path.startsWith('/api/v1/operator/') &&
        (operation.parameters ?? []).some((p) => p.in === 'path' || isIdQuery(p)),
    );
    expect(withIds.length).toBeGreaterThanOrEqual(10);
    const rmRequestsBefore = rmServer.requests.length;
    for (const { key, path, operation } of withIds) {
      const [method = ''] = key.split(' ');
      let url = path;
      const query: string[] = [];
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, idOfA(path, parameter.name));
        if (isIdQuery(parameter)) query.push(`${parameter.name}=${idOfA(path, parameter.name)}`);
      }
      // A body the operation accepts, so that only the id can make it fail.
      const success = API_CASES[key]?.[0];
      const body =
        success === undefined
          ? undefined
          : (await success.request({ baseUrl: broker.url, broker, a, b, rmServer })).body;
      const answer = await send(broker, {
        method,
        path: query.length === 0 ? url : `${url}?${query.join('&')}`,
        body,
        bearer: b.tenant.jwt,
      });
      expect(answer.status, `${key} with A's ids: ${answer.text}`).toBe(404);
    }
    expect(rmServer.requests.length).toBe(rmRequestsBefore);

    const node = await send(broker, {
      method: 'GET',
      path: `/api/v1/cem-nodes/${a.node.id}`,
      bearer: a.tenant.jwt,
    });
    expect(node.status).toBe(200);
    const rm = await send(broker, { method: 'GET', path: `/api/v1/rms/${a.rm.rmNodeId}`, bearer: a.tenant.jwt });
    expect(rm).toMatchObject({ status: 200, body: { pairing: { cemNodeId: a.rm.cemNodeId } } });
    const account = await send(broker, {
      method: 'GET',
      path: `/api/v1/service-accounts/${a.serviceAccount.id}`,
      bearer: a.tenant.jwt,
    });
    expect(account).toMatchObject({ status: 200, body: { revokedAt: null } });
  });

  it("B's CEM channel cannot open on A's node, nor send to A's RM", async () => {
    const wsUrl = broker.url.replace('http', 'ws');
    expect(await refusedStatus(`${wsUrl}/cem/v1/ws?cemNodeId=${a.node.id}`, b.tenant.jwt)).toBe(404);
    const rmPeer = await connect(`${wsUrl}/s2/v1/ws`, a.rm.websocketToken);
    const channel = await connect(`${wsUrl}/cem/v1/ws`, b.tenant.jwt);
    try {
      const messageId = crypto.randomUUID();
      const select = { message_type: 'SelectControlType', message_id: messageId, control_type: 'NOT_CONTROLABLE' };
      channel.send({ type: 'message', ref: 1, rmNodeId: a.rm.rmNodeId, message: select });
      expect(await channel.next((frame) => frame.type === 'error')).toMatchObject({ code: 'unknown_rm', ref: 1 });
      // The session registers just after the upgrade completes.
      const rmView = () => send(broker, { method: 'GET', path: `/api/v1/rms/${a.rm.rmNodeId}`, bearer: a.tenant.jwt });
      await expect
        .poll(rmView, { timeout: 10_000 })
        .toMatchObject({ status: 200, body: { session: { rmNodeId: a.rm.rmNodeId } } });
      expect(rmPeer.frames.filter((frame) => frame.message_id === messageId)).toEqual([]);
    } finally {
      channel.close();
      rmPeer.close();
    }
  });
});
