// When initiateSession answers NoLongerPaired and when 401. S2 Connect: NoLongerPaired when "this node ID
// was paired with this node, but was unpaired" (the client stops retrying and tells the user); 401 when
// the token is not the pairing's (the client tries another token). Nodes that are paired now are never
// "no longer paired", whatever token they are asked with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { createTenant, del, pairRm, post, type Paired, suspendTenant, type Tenant } from './support/s2-connect.js';

let broker: Broker;
let tenant: Tenant;

beforeAll(async () => {
  broker = await startBroker();
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
});

const paired = (owner = tenant, rm?: Paired['rm'], cemNodeId?: string) => pairRm(broker.url, owner, rm, cemNodeId);

/** What initiateSession asks: these node ids, with this token. */
interface Ask {
  rmNodeId: string;
  cemNodeId: string;
  token: string;
}

const ask = (p: Paired, token = p.accessToken): Ask => ({ rmNodeId: p.rm.id, cemNodeId: p.cemNodeId, token });

const initiate = (a: Ask) =>
  post(
    `${broker.url}/session/v1/initiateSession`,
    {
      clientNodeId: a.rmNodeId,
      serverNodeId: a.cemNodeId,
      supportedS2MessageVersions: ['v1.0.0'],
      supportedCommunicationProtocols: ['WebSocket'],
    },
    a.token,
  );

const unpairByRm = (p: Paired) =>
  post(`${broker.url}/session/v1/unpair`, { clientNodeId: p.rm.id, serverNodeId: p.cemNodeId }, p.accessToken);

/** initiateSession and confirmAccessToken: the token that is now the pairing's. */
async function rotated(p: Paired): Promise<string> {
  const pending = ((await initiate(ask(p))).body as { accessToken: string }).accessToken;
  expect((await post(`${broker.url}/session/v1/confirmAccessToken`, undefined, pending)).status).toBe(200);
  return pending;
}

const OK = { status: 200 };
const UNAUTHORIZED = { status: 401 };
const NO_LONGER_PAIRED = { status: 400, body: { errorMessage: 'NoLongerPaired' } };
const OTHER = { status: 400, body: { errorMessage: 'Other' } };

const cases: [string, () => Promise<Ask>, object][] = [
  ['paired, with its token', async () => ask(await paired()), OK],
  [
    'paired, with the token the last confirmAccessToken replaced',
    async () => {
      const p = await paired();
      await rotated(p);
      return ask(p);
    },
    UNAUTHORIZED,
  ],
  [
    'paired, with a token never issued',
    async () => ask(await paired(), 'bmV2ZXIgaXNzdWVkIGJ5IHRoaXMgYnJva2VyIGF0IGFsbA=='),
    UNAUTHORIZED,
  ],
  [
    'unpaired by the RM',
    async () => {
      const p = await paired();
      expect((await unpairByRm(p)).status).toBe(204);
      return ask(p);
    },
    NO_LONGER_PAIRED,
  ],
  [
    'unpaired by the tenant',
    async () => {
      const p = await paired();
      expect((await del(`${broker.url}/api/v1/pairings/${p.rm.id}`, tenant.jwt)).status).toBe(204);
      return ask(p);
    },
    NO_LONGER_PAIRED,
  ],
  [
    'unpaired, asked with the token of another pairing',
    async () => {
      const p = await paired();
      const other = await paired();
      expect((await unpairByRm(p)).status).toBe(204);
      return ask(p, other.accessToken);
    },
    UNAUTHORIZED,
  ],
  [
    'its CEM node deleted',
    async () => {
      const p = await paired();
      expect((await del(`${broker.url}/api/v1/cem-nodes/${p.cemNodeId}`, tenant.jwt)).status).toBe(204);
      return ask(p);
    },
    NO_LONGER_PAIRED,
  ],
  [
    'its tenant deleted',
    async () => {
      const owner = await createTenant(broker);
      const p = await paired(owner);
      const token = await rotated(p);
      expect((await del(`${broker.internalUrl}/admin/v1/tenants/${owner.id}`, TEST_OPERATOR_TOKEN)).status).toBe(204);
      return ask(p, token);
    },
    NO_LONGER_PAIRED,
  ],
  [
    'its tenant suspended (paired still: retry later)',
    async () => {
      const owner = await createTenant(broker);
      const p = await paired(owner);
      await suspendTenant(broker, owner.id);
      return ask(p);
    },
    OTHER,
  ],
  [
    'paired again with the same CEM node, asked with the old token',
    async () => {
      const first = await paired();
      await paired(tenant, first.rm, first.cemNodeId);
      return ask(first);
    },
    UNAUTHORIZED,
  ],
  [
    'paired again with the same CEM node, asked with the new token',
    async () => {
      const first = await paired();
      return ask(await paired(tenant, first.rm, first.cemNodeId));
    },
    OK,
  ],
  [
    'unpaired, paired again with the same CEM node and unpaired again, asked with the first token',
    async () => {
      const first = await paired();
      expect((await unpairByRm(first)).status).toBe(204);
      const second = await paired(tenant, first.rm, first.cemNodeId);
      expect((await unpairByRm(second)).status).toBe(204);
      return ask(first);
    },
    NO_LONGER_PAIRED,
  ],
  [
    'paired with another CEM node since, asked of the old one',
    async () => {
      const first = await paired();
      await paired(tenant, first.rm);
      return ask(first);
    },
    NO_LONGER_PAIRED,
  ],
  [
    'paired with another CEM node since, asked of the new one with the old token',
    async () => {
      const first = await paired();
      const second = await paired(tenant, first.rm);
      return { ...ask(first), cemNodeId: second.cemNodeId };
    },
    UNAUTHORIZED,
  ],
];

describe('initiateSession: NoLongerPaired or 401', () => {
  it.each(cases)('%s', async (_case, setup, expected) => {
    expect(await initiate(await setup())).toMatchObject(expected);
  });
});
