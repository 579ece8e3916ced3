// Guessing is bounded: wrong client secrets per client id and per address, wrong operator tokens per
// address, S2 Connect pairing requests per address and pairing attempts per CEM node all end in 429
// with Retry-After, counted in Redis so that every replica shares the count. The broker runs as behind
// an ingress (TRUSTED_PROXY_HOPS=1): each test speaks from an address of its own through
// X-Forwarded-For, so that counts left in the shared Redis by an earlier run or another file never meet.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN, urlFor } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  issueCode,
  pairByHand,
  requestPairingBody,
  type Tenant,
} from './support/s2-connect.js';

let broker: Broker;
let tenant: Tenant;

const AUTH_FAILURES_PER_ADDRESS = 20;
const PAIRING_PER_ADDRESS = 8;
const PAIRING_FAILURES_PER_NODE = 3;

beforeAll(async () => {
  broker = await startBroker({
    env: {
      TRUSTED_PROXY_HOPS: '1',
      RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: String(AUTH_FAILURES_PER_ADDRESS),
      RATE_LIMIT_PAIRING_PER_ADDRESS: String(PAIRING_PER_ADDRESS),
      RATE_LIMIT_PAIRING_FAILURES_PER_NODE: String(PAIRING_FAILURES_PER_NODE),
    },
  });
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
});

function newAddress(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

async function call(
  path: string,
  from: string,
  init: { method?: string; body?: unknown; bearer?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': from };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`;
  const response = await fetch(urlFor(broker, path), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

async function serviceAccount(): Promise<{ clientId: string; clientSecret: string }> {
  const created = await call('/admin/v1/tenants', newAddress(), {
    body: { name: `rate-${randomInt(1e9)}` },
    bearer: TEST_OPERATOR_TOKEN,
  });
  expect(created.status).toBe(201);
  return (created.body as { serviceAccount: { clientId: string; clientSecret: string } }).serviceAccount;
}

function expectTooMany(answer: Answer, windowSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  const seconds = Number(answer.retryAfter);
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
}

describe('POST /api/v1/auth/token', () => {
  it('answers 429 after ten wrong secrets for one client id, from any address, even to the right secret', async () => {
    const account = await serviceAccount();
    const answers: Answer[] = [];
    for (let i = 0; i < 30; i++) {
      // A new address each time: the bound is the client id's, not the address's.
      answers.push(
        await call('/api/v1/auth/token', newAddress(), {
          body: { clientId: account.clientId, clientSecret: `wrong-${i}` },
        }),
      );
    }
    expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(Array(10).fill(401));
    for (const answer of answers.slice(10)) expectTooMany(answer, 60);
    expectTooMany(await call('/api/v1/auth/token', newAddress(), { body: account }), 60);

    const other = await serviceAccount();
    expect((await call('/api/v1/auth/token', newAddress(), { body: other })).status).toBe(200);
  });

  it('answers 429 to an address that keeps failing, whatever client ids it tries', async () => {
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i <= AUTH_FAILURES_PER_ADDRESS; i++) {
      const answer = await call('/api/v1/auth/token', address, {
        body: { clientId: `sa_guess_${randomInt(1e9)}`, clientSecret: 'wrong' },
      });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, AUTH_FAILURES_PER_ADDRESS)).toEqual(Array(AUTH_FAILURES_PER_ADDRESS).fill(401));
    expect(statuses.at(-1)).toBe(429);
    const account = await serviceAccount();
    expectTooMany(await call('/api/v1/auth/token', address, { body: account }), 60);
    expect((await call('/api/v1/auth/token', newAddress(), { body: account })).status).toBe(200);
  });

  it('counts the address the trusted proxy saw, not what the client wrote before it', async () => {
    const address = newAddress();
    for (let i = 0; i < AUTH_FAILURES_PER_ADDRESS; i++) {
      const answer = await call('/api/v1/auth/token', `${newAddress()}, ${address}`, {
        body: { clientId: `sa_guess_${randomInt(1e9)}`, clientSecret: 'wrong' },
      });
      expect(answer.status).toBe(401);
    }
    const spoofed = await call('/api/v1/auth/token', `${newAddress()}, ${address}`, {
      body: { clientId: 'sa_guess', clientSecret: 'wrong' },
    });
    expectTooMany(spoofed, 60);
  });
});

describe('the operator API', () => {
  it('answers 429 to an address after its wrong tokens, the right token included; other addresses go on', async () => {
    const address = newAddress();
    for (let i = 0; i < AUTH_FAILURES_PER_ADDRESS; i++) {
      expect((await call('/admin/v1/tenants', address, { bearer: `wrong-token-${i}` })).status).toBe(401);
    }
    expectTooMany(await call('/admin/v1/tenants', address, { bearer: 'wrong-token' }), 60);
    expectTooMany(await call('/admin/v1/tenants', address, { bearer: TEST_OPERATOR_TOKEN }), 60);
    expect((await call('/admin/v1/tenants', newAddress(), { bearer: TEST_OPERATOR_TOKEN })).status).toBe(200);
  });
});

describe('S2 Connect pairing', () => {
  it('answers 429 to an address beyond its budget of pairing requests', async () => {
    const address = newAddress();
    for (let i = 0; i < PAIRING_PER_ADDRESS; i++) {
      const answer = await call('/pairing/v1/requestConnectionDetails', address, {
        body: { serverHmacChallengeResponse: 'AAAA' },
        bearer: `guessed-attempt-${i}`,
      });
      expect(answer.status).toBe(401);
    }
    expectTooMany(await call('/pairing/v1/requestPairing', address, { body: requestPairingBody({}) }), 60);
    expect((await call('/pairing', newAddress())).status).toBe(200);
  });

  it('answers 429 to a CEM node after attempts that did not pair; a completed pairing gives its attempt back', async () => {
    const node = await createCemNode(broker.url, tenant);
    await pairByHand(broker.url, await issueCode(broker.url, tenant, node), 'localhost');
    const code = await issueCode(broker.url, tenant, node);
    const attempt = () =>
      call('/pairing/v1/requestPairing', newAddress(), { body: requestPairingBody({ nodeIdAlias: code.nodeIdAlias }) });
    const abandon = async (answer: Answer) => {
      const { pairingAttemptId } = answer.body as { pairingAttemptId: string };
      const finalized = await call('/pairing/v1/finalizePairing', newAddress(), {
        body: { success: false },
        bearer: pairingAttemptId,
      });
      expect(finalized.status).toBe(204);
    };
    for (let i = 0; i < PAIRING_FAILURES_PER_NODE; i++) {
      const answer = await attempt();
      expect(answer.status).toBe(200);
      await abandon(answer);
    }
    // The budget is the node's: new addresses do not help.
    expectTooMany(await attempt(), 300);
  });
});
