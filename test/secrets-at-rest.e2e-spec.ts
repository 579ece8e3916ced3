// Secrets at rest: pairing tokens and webhook secrets are stored encrypted under SECRETS_KEYS, legacy
// clear values still work, and `secrets rotate` moves every value to a new key, after which the old
// key can leave the configuration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem, startSession } from '#rm-client';
import { type Broker, runBroker, startBroker, TEST_SECRETS_KEYS } from './support/broker.js';
import {
  type CemNode,
  createCemNode,
  createTenant,
  type IssuedCode,
  issueCode,
  post,
  requestPairingBody,
  RM_ENDPOINT,
  rmNode,
  sql,
  type Tenant,
} from './support/s2-connect.js';
import { startReceiver, type Receiver, verifySignature } from './support/webhook-receiver.js';

// Fixed, so that rows a past run left behind are still readable by the next one.
const OLD = `old:${Buffer.alloc(32, 'o').toString('base64')}`;
const NEW = `new:${Buffer.alloc(32, 'n').toString('base64')}`;
const UNRELATED = `other:${Buffer.alloc(32, 'x').toString('base64')}`;
const WEBHOOK_ENV = { WEBHOOK_BACKOFF_BASE_MS: '100', WEBHOOK_BACKOFF_MAX_MS: '1000' };

let broker: Broker | undefined;
let tenant: Tenant;
let receiver: Receiver;
/** Paired through its code before and after the rotation. */
let node: CemNode;
let code: IssuedCode;
/** Created in one batch with a code each; the second is paired after the rotation. */
let batchCodes: { id: string; pairingCode: string; token: string }[];
let sealedEndpoint: { id: string; secret: string };
/** Its secret is put back in clear by hand, as a broker before encryption at rest left it. */
let legacyEndpoint: { id: string; secret: string };
const LEGACY_SECRET = 'legacy-clear-webhook-secret-0123456789abcdef';

const start = (keys: string) => startBroker({ env: { SECRETS_KEYS: keys, ...WEBHOOK_ENV } });
const rotate = (keys: string) => runBroker(['secrets', 'rotate'], { SECRETS_KEYS: keys });

async function register(): Promise<{ id: string; secret: string }> {
  const created = await post(
    `${broker?.url}/api/v1/webhooks`,
    { url: receiver.url, eventTypes: ['pairing.created'] },
    tenant.jwt,
  );
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string };
}

/** Pairs a new RM with the code and starts its session; resolves once both endpoints got the event, signed. */
async function pairAndStart(pairingCode: string, cemNodeId: string): Promise<void> {
  const url = broker?.url ?? '';
  const rm = rmNode();
  const pairing = await pairWithCem({
    // The HMAC domain is PUBLIC_URL's host, localhost; the port is the running broker's.
    pairingUrl: `http://localhost:${broker?.port}/pairing/`,
    pairingCode,
    node: rm,
    endpoint: RM_ENDPOINT,
  });
  expect(pairing.serverNodeDescription.id).toBe(cemNodeId);
  const session = await startSession({
    initiateSessionUrl: `${url}/session/`,
    accessTokens: [pairing.accessToken],
    clientNodeId: rm.id,
    serverNodeId: cemNodeId,
    supportedS2MessageVersions: ['v1.0.0'],
  });
  expect(session.websocketToken).toEqual(expect.any(String));
  await receiver.waitFor(
    () => receiver.requests.filter((request) => request.answered === 200 && request.body.includes(rm.id)).length >= 2,
  );
  const requests = receiver.requests.filter((request) => request.body.includes(rm.id));
  const signedWith = (secret: string, options?: { raw: boolean }) =>
    requests.some((request) => verifySignature(secret, request.headers, request.body, options));
  expect(signedWith(sealedEndpoint.secret)).toBe(true);
  // A legacy secret is not in the whsec_ form: it keys with its own bytes, as it did when it was stored.
  expect(signedWith(legacyEndpoint.secret, { raw: true })).toBe(true);
}

/** Every row of every table of the broker's database, as text, that contains `needle`. */
async function rowsContaining(needle: string): Promise<string[]> {
  const tables = await sql<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await sql<{ n: string }>(`SELECT count(*) AS n FROM "${name}" t WHERE strpos(t::text, $1) > 0`, [
      needle,
    ]);
    if (Number(rows[0]?.n) > 0) found.push(name);
  }
  return found;
}

const storedToken = async (cemNodeId: string) =>
  (await sql<{ token: string }>('SELECT token FROM pairing_codes WHERE cem_node_id = $1', [cemNodeId]))[0]?.token;
const storedSecret = async (id: string) =>
  (await sql<{ secret: string }>('SELECT secret FROM webhook_endpoints WHERE id = $1', [id]))[0]?.secret;

beforeAll(async () => {
  // The test key too: rotation goes over every row, and other files' rows are under it.
  broker = await start(`${OLD},${TEST_SECRETS_KEYS}`);
  receiver = await startReceiver();
  tenant = await createTenant(broker);
  sealedEndpoint = await register();
  legacyEndpoint = await register();
  await sql('UPDATE webhook_endpoints SET secret = $1 WHERE id = $2', [LEGACY_SECRET, legacyEndpoint.id]);
  legacyEndpoint.secret = LEGACY_SECRET;
  node = await createCemNode(broker.url, tenant);
  code = await issueCode(broker.url, tenant, node);
  const batch = await post(
    `${broker.url}/api/v1/cem-nodes:batch`,
    {
      nodes: [0, 1].map(() => ({ brand: 'Acme', type: 'EMS', modelName: 'Cloud CEM' })),
      pairingCodes: {},
    },
    tenant.jwt,
  );
  expect(batch.status).toBe(201);
  batchCodes = (
    batch.body as { items: { id: string; nodeIdAlias: string; pairingCode: { pairingCode: string } }[] }
  ).items.map((item) => ({
    id: item.id,
    pairingCode: item.pairingCode.pairingCode,
    token: item.pairingCode.pairingCode.slice(item.nodeIdAlias.length + 1),
  }));
});

afterAll(async () => {
  await broker?.stop();
  await receiver?.close();
  // Leaves every row under the test key again, for the files that run after this one.
  await rotate(`${TEST_SECRETS_KEYS},${NEW},${OLD}`);
});

describe('secrets at rest', () => {
  it('stores pairing tokens and webhook secrets encrypted: no table holds them in clear', async () => {
    expect(await storedToken(node.id)).toMatch(/^v1:old:/);
    expect(await storedSecret(sealedEndpoint.id)).toMatch(/^v1:old:/);
    for (const { id } of batchCodes) expect(await storedToken(id)).toMatch(/^v1:old:/);
    for (const secret of [code.token, sealedEndpoint.secret, ...batchCodes.map((batchCode) => batchCode.token)]) {
      expect(await rowsContaining(secret)).toEqual([]);
    }
  });

  it('pairs and starts sessions, and signs webhooks, with encrypted and legacy clear values alike', async () => {
    await pairAndStart(code.pairingCode, node.id);
    const legacyNode = await createCemNode(broker?.url ?? '', tenant);
    const legacyCode = await issueCode(broker?.url ?? '', tenant, legacyNode);
    await sql('UPDATE pairing_codes SET token = $1 WHERE cem_node_id = $2', [legacyCode.token, legacyNode.id]);
    await pairAndStart(legacyCode.pairingCode, legacyNode.id);
  });

  it('refuses a ciphertext copied to another row', async () => {
    const other = await createCemNode(broker?.url ?? '', tenant);
    const otherCode = await issueCode(broker?.url ?? '', tenant, other);
    // The other node's row now holds node's token, encrypted for node's row.
    await sql('UPDATE pairing_codes SET token = $1 WHERE cem_node_id = $2', [await storedToken(node.id), other.id]);
    const answer = await post(
      `${broker?.url}/pairing/v1/requestPairing`,
      requestPairingBody({ nodeIdAlias: otherCode.nodeIdAlias }),
    );
    // Not the RM's fault: the broker's own data is wrong, which its log names by row.
    expect(answer.status).toBe(500);
    await broker?.waitForLog((line) =>
      JSON.stringify(line).includes(`pairing code of CEM node ${other.id}: the encrypted value does not open`),
    );
    await sql('DELETE FROM pairing_codes WHERE cem_node_id = $1', [other.id]);
  });

  it('rotates every value to the new key, idempotently, and refuses to read values under an unknown key', async () => {
    await broker?.stop();
    broker = undefined;
    const legacyBefore = await storedSecret(legacyEndpoint.id);
    expect(legacyBefore).toBe(LEGACY_SECRET);

    const first = await rotate(`${NEW},${OLD},${TEST_SECRETS_KEYS}`);
    expect(first.stderr).toEqual([]);
    expect(first.code).toBe(0);
    const counts = first.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(counts.map((line) => [line.event, line.table, line.keyId])).toEqual([
      ['secrets_rotated', 'pairing_codes', 'new'],
      ['secrets_rotated', 'webhook_endpoints', 'new'],
    ]);
    expect(counts.every((line) => line.failed === 0 && line.changed === 0)).toBe(true);
    expect(Number(counts[0]?.reencrypted)).toBeGreaterThanOrEqual(4);
    expect(Number(counts[1]?.reencrypted)).toBeGreaterThanOrEqual(1);
    expect(Number(counts[1]?.encrypted)).toBeGreaterThanOrEqual(1);
    expect(await storedToken(node.id)).toMatch(/^v1:new:/);
    expect(await storedSecret(sealedEndpoint.id)).toMatch(/^v1:new:/);
    expect(await storedSecret(legacyEndpoint.id)).toMatch(/^v1:new:/);
    expect(await rowsContaining(LEGACY_SECRET)).toEqual([]);

    const stored = [await storedToken(node.id), await storedSecret(sealedEndpoint.id)];
    const again = await rotate(`${NEW},${OLD},${TEST_SECRETS_KEYS}`);
    expect(again.code).toBe(0);
    for (const line of again.stdout.map((text) => JSON.parse(text) as Record<string, unknown>)) {
      expect(line).toMatchObject({ encrypted: 0, reencrypted: 0, changed: 0, failed: 0 });
      expect(line.alreadyCurrent).toBe(line.rows);
    }
    expect([await storedToken(node.id), await storedSecret(sealedEndpoint.id)]).toEqual(stored);

    const unknown = await rotate(UNRELATED);
    expect(unknown.code).toBe(1);
    const errors = unknown.stderr.join('\n');
    expect(errors).toContain(
      `s2-broker secrets rotate: webhook_endpoints row ${sealedEndpoint.id}: encrypted with key id new, which SECRETS_KEYS does not hold`,
    );
    expect(errors).toContain(`pairing_codes row `);
    expect(errors).toContain(`(CEM node ${node.id}): encrypted with key id new`);
    for (const secret of [code.token, sealedEndpoint.secret, LEGACY_SECRET, NEW, OLD]) {
      expect(errors).not.toContain(secret);
      expect(unknown.stdout.join('\n')).not.toContain(secret);
    }
    expect([await storedToken(node.id), await storedSecret(sealedEndpoint.id)]).toEqual(stored);
  });

  it('works with the old key gone from the configuration', async () => {
    broker = await start(NEW);
    await pairAndStart(code.pairingCode, node.id);
    const second = batchCodes[1];
    await pairAndStart(second?.pairingCode ?? '', second?.id ?? '');
  });

  it('refuses to start without SECRETS_KEY or SECRETS_KEYS, or with a key of the wrong size, never echoing it', async () => {
    const missing = await runBroker(['serve'], { SECRETS_KEYS: undefined });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toEqual([
      's2-broker serve: invalid configuration: SECRETS_KEY is required (or SECRETS_KEYS, a list of id:base64key)',
    ]);
    const short = Buffer.alloc(16, 's').toString('base64');
    const wrong = await runBroker(['serve'], { SECRETS_KEYS: `k1:${short}` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toEqual([
      's2-broker serve: invalid configuration: SECRETS_KEYS entry 1 (key id k1) must hold a base64 key of exactly 32 bytes',
    ]);
    expect(wrong.stderr.join('\n')).not.toContain(short);
  });
});
