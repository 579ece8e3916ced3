// A seeded, bounded fuzz run of the HTTP edges: S2 Connect bodies, tenant and operator API bodies,
// paths and headers, built from valid requests by mutation and sent as raw bytes. Whatever comes in,
// the broker answers with a status below 500 and no stack trace, logs no error, stays up, and its
// memory stays bounded. The seed is printed; FUZZ_SEED replays a run, FUZZ_RUNS sets its length.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, portFor, startBroker, TEST_OPERATOR_TOKEN } from '../support/broker.js';
import {
  createTenant,
  type CemNode,
  pairThroughClient,
  requestPairingBody,
  rmNode,
  type Tenant,
} from '../support/s2-connect.js';
import { anyValue, mutated, rawRequest, rssMiB, runs, SEED, textOf, type RawAnswer } from './fuzz-support.js';

let broker: Broker;
let tenant: Tenant;
let node: CemNode;
let accessToken: string;
let rmNodeId: string;
let spareTenantId: string;
let rssBefore: number;

interface Route {
  method: string;
  path: () => string;
  bearer: () => string | undefined;
  valid: () => Record<string, unknown>;
}

const routes: Route[] = [
  {
    method: 'POST',
    path: () => '/pairing/v1/requestPairing',
    bearer: () => undefined,
    // An alias no node has: a valid one makes each try wait the specification's second.
    valid: () => requestPairingBody({ nodeIdAlias: 'nosuchalias' }),
  },
  {
    method: 'POST',
    path: () => '/pairing/v1/requestConnectionDetails',
    bearer: () => 'guessed-attempt-id',
    valid: () => ({ serverHmacChallengeResponse: 'AAAA' }),
  },
  {
    method: 'POST',
    path: () => '/pairing/v1/finalizePairing',
    bearer: () => 'guessed-attempt-id',
    valid: () => ({ success: true }),
  },
  {
    method: 'POST',
    path: () => '/session/v1/initiateSession',
    bearer: () => accessToken,
    valid: () => ({
      clientNodeId: rmNodeId,
      serverNodeId: node.id,
      supportedS2MessageVersions: ['v1.0.0'],
      supportedCommunicationProtocols: ['WebSocket'],
      clientNodeDescription: rmNode({ id: rmNodeId }),
    }),
  },
  {
    method: 'POST',
    path: () => '/session/v1/confirmAccessToken',
    bearer: () => 'guessed-pending-token',
    valid: () => ({}),
  },
  {
    method: 'POST',
    path: () => '/api/v1/auth/token',
    bearer: () => undefined,
    valid: () => ({ clientId: 'sa_x', clientSecret: 'y' }),
  },
  {
    method: 'POST',
    path: () => '/api/v1/cem-nodes',
    bearer: () => tenant.jwt,
    valid: () => ({ brand: 'Acme', type: 'EMS', modelName: 'Cloud CEM', externalRef: 'ref' }),
  },
  {
    method: 'PATCH',
    path: () => `/api/v1/cem-nodes/${node.id}`,
    bearer: () => tenant.jwt,
    valid: () => ({ userDefinedName: 'Home', logoUrl: 'https://aggregator.example/logo.png' }),
  },
  {
    method: 'POST',
    path: () => '/api/v1/cem-nodes:batch',
    bearer: () => tenant.jwt,
    valid: () => ({ nodes: [{ brand: 'Acme', type: 'EMS', modelName: 'Cloud CEM' }] }),
  },
  {
    method: 'POST',
    path: () => `/api/v1/cem-nodes/${node.id}/pairing-codes`,
    bearer: () => tenant.jwt,
    valid: () => ({ ttlSeconds: 60 }),
  },
  {
    method: 'POST',
    path: () => '/api/v1/webhooks',
    bearer: () => tenant.jwt,
    valid: () => ({
      url: 'https://hooks.example/s2',
      eventTypes: ['pairing.created'],
      secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
    }),
  },
  {
    method: 'POST',
    path: () => '/admin/v1/tenants',
    bearer: () => TEST_OPERATOR_TOKEN,
    valid: () => ({ name: 'Fuzzed', logoUrl: 'https://aggregator.example/logo.png', maxSessions: 10 }),
  },
  {
    method: 'PATCH',
    path: () => `/admin/v1/tenants/${spareTenantId}`,
    bearer: () => TEST_OPERATOR_TOKEN,
    valid: () => ({ name: 'Spare', status: 'active' }),
  },
];

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
  broker = await startBroker();
  tenant = await createTenant(broker);
  spareTenantId = (await createTenant(broker)).id;
  const paired = await pairThroughClient(broker.url, tenant);
  ({ accessToken, rmNodeId } = paired);
  node = { id: paired.cemNodeId, nodeIdAlias: '' };
  rssBefore = rssMiB(broker.process.pid as number);
});

afterAll(async () => {
  await broker?.stop();
});

const failures: string[] = [];

function check(what: string, answer: RawAnswer): void {
  const fault =
    answer.status === undefined
      ? 'no HTTP answer'
      : answer.status >= 500
        ? `status ${answer.status}`
        : /\n\s+at /.test(answer.body)
          ? 'a stack trace in the body'
          : undefined;
  if (fault !== undefined)
    failures.push(`${fault}: ${what} -> ${answer.head.split('\r\n')[0]} ${answer.body.slice(0, 200)}`);
}

const route = fc.constantFrom(...routes);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
);
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
const authorization = fc.oneof(
  headerValue,
  headerValue.map((v) => `Bearer ${v}`),
  headerValue.map((v) => `bearer  ${v}`),
  fc.constant('Bearer'),
  fc.constant(`Bearer ${'A'.repeat(8_000)}`),
);

describe('HTTP edges under fuzzed input', () => {
  it('answer mutated bodies with a client error, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        route.chain((r) => fc.tuple(fc.constant(r), textOf(fc.oneof(mutated(r.valid()), anyValue)))),
        async ([r, body]) => {
          const bearer = r.bearer();
          const headers: [string, string][] = [['Content-Type', 'application/json']];
          if (bearer !== undefined) headers.push(['Authorization', `Bearer ${bearer}`]);
          check(
            `${r.method} ${r.path()} ${body.slice(0, 120)}`,
            await rawRequest(portFor(broker, r.path()), r.method, r.path(), headers, body),
          );
        },
      ),
      runs(),
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it('answer fuzzed headers, paths and queries with a client error, never a 5xx', async () => {
    const extraHeader = fc.tuple(
      fc.constantFrom(
        'Accept',
        'Accept-Encoding',
        'Content-Encoding',
        'X-Forwarded-For',
        'Origin',
        'Cookie',
        'X-Custom',
        'Expect',
      ),
      headerValue,
    );
    const pathSuffix = fc.oneof(
      fc.constant(''),
      fc.constantFrom(
        '/',
        '//',
        '/..',
        '%00',
        '%2e%2e/',
        '?limit=-1',
        '?limit=abc&cursor=%ff',
        '?cursor=' + 'z'.repeat(2_000),
      ),
      fc.webSegment().map((s) => `/${s}`),
      fc.webQueryParameters().map((q) => `?${q}`),
    );
    await fc.assert(
      fc.asyncProperty(
        route,
        fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
        pathSuffix,
        contentType,
        authorization,
        fc.array(extraHeader, { maxLength: 4 }),
        async (r, method, suffix, type, auth, extra) => {
          const headers: [string, string][] = [...extra];
          if (type !== '') headers.push(['Content-Type', type]);
          headers.push(['Authorization', auth]);
          const body = JSON.stringify(r.valid());
          const answer = await rawRequest(
            portFor(broker, r.path()),
            method,
            `${r.path()}${suffix}`,
            headers,
            method === 'GET' || method === 'HEAD' ? '' : body,
          );
          check(`${method} ${r.path()}${suffix} ${JSON.stringify(headers).slice(0, 200)}`, answer);
        },
      ),
      runs(),
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it('stayed up, logged no error, and its memory stayed bounded', async () => {
    expect(broker.process.exitCode).toBeNull();
    const live = await fetch(`${broker.internalUrl}/health/live`);
    expect(live.status).toBe(200);
    const errors = broker.logs().filter((line) => line.level === 'error' || line.level === 'fatal');
    expect(errors).toEqual([]);
    const rssAfter = rssMiB(broker.process.pid as number);
    console.log(`broker RSS ${rssBefore.toFixed(0)} MiB before the fuzz run, ${rssAfter.toFixed(0)} MiB after`);
    expect(rssAfter - rssBefore).toBeLessThan(150);
  });
});
