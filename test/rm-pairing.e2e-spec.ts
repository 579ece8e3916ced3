// The broker as S2 Connect pairing client: `POST /api/v1/cem-nodes/{id}/pairings` against an RM
// endpoint's pairing server that the test runs, on the happy path and on every failure path.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openS2Session, startSession } from '#rm-client';
import { decodeBase64 } from '#s2-connect';
import { type Broker, runBroker, startBroker } from './support/broker.js';
import { type RmPairingServer, startRmPairingServer } from './support/rm-pairing-server.js';
import { createCemNode, createTenant, post, sql, type CemNode, type Tenant } from './support/s2-connect.js';
import { connect } from './support/ws-peer.js';

const CA_FILE = fileURLToPath(new URL('./support/tls/ca.pem', import.meta.url));
const LEAF_FILE = fileURLToPath(new URL('./support/tls/leaf.pem', import.meta.url));
const CA_FINGERPRINT = new X509Certificate(readFileSync(CA_FILE)).fingerprint256;

let broker: Broker;
let rm: RmPairingServer;
let tenant: Tenant;
let node: CemNode;

beforeAll(async () => {
  [broker, rm] = await Promise.all([
    startBroker({
      env: { TLS_CA_CERT_FILE: CA_FILE, PAIRING_CLIENT_ALLOW_HTTP: 'true', PAIRING_CLIENT_TIMEOUT_SECONDS: '2' },
    }),
    startRmPairingServer(),
  ]);
  tenant = await createTenant(broker);
  node = await createCemNode(broker.url, tenant);
});

afterAll(async () => {
  await Promise.all([broker?.stop(), rm?.close()]);
});

beforeEach(() => {
  rm.behave({});
  rm.reset();
});

const pair = (body: unknown, cemNodeId = node.id, jwt: string | null = tenant.jwt) =>
  post(`${broker.url}/api/v1/cem-nodes/${cemNodeId}/pairings`, body, jwt ?? undefined);

const pairWithTestRm = () => pair({ pairingUrl: rm.pairingUrl, pairingCode: rm.pairingCode });

const operations = () => rm.requests.map((request) => request.operation);

async function storedPairings(rmNodeId: string): Promise<number> {
  const rows = await sql<{ n: string }>('SELECT count(*) AS n FROM pairings WHERE rm_node_id = $1', [rmNodeId]);
  return Number(rows[0]?.n);
}

describe('pairing with an RM endpoint', () => {
  it('pairs, posts the connection details, and the RM starts a session with the posted token', async () => {
    const cem = await connect(`${broker.url.replace('http', 'ws')}/cem/v1/ws`, tenant.jwt);
    try {
      const answer = await pairWithTestRm();
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        cemNodeId: node.id,
        rmNodeId: rm.node.id,
        rmNodeDescription: rm.node,
        rmEndpointDescription: rm.endpoint,
        pairedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      });
      expect(operations()).toEqual(['index', 'requestPairing', 'postConnectionDetails', 'finalizePairing']);
      expect(rm.finalizations).toEqual([{ success: true }]);

      const requestPairing = rm.requests[1]?.body as Record<string, unknown>;
      expect(requestPairing).toMatchObject({
        clientNodeDescription: { id: node.id, role: 'CEM', brand: 'Acme' },
        clientEndpointDescription: { name: tenant.name, deployment: 'WAN' },
        nodeIdAlias: 'rm7',
        supportedHmacHashingAlgorithms: ['SHA256'],
        supportedCommunicationProtocols: ['WebSocket'],
      });
      expect(JSON.stringify(requestPairing)).not.toContain(rm.pairingCode.split('-')[1]);

      const [stored] = rm.pairings;
      const details = stored?.connectionDetails;
      expect(details?.initiateSessionUrl).toBe(`http://localhost:${broker.port}/session/`);
      expect(details?.certificateFingerprint).toEqual({ SHA256: CA_FINGERPRINT });
      expect(decodeBase64(details?.accessToken ?? '')?.length).toBeGreaterThanOrEqual(32);

      const created = await cem.next((frame) => frame.type === 'pairing.created' && frame.rmNodeId === rm.node.id);
      expect(created).toMatchObject({ cemNodeId: node.id });

      const session = await startSession({
        initiateSessionUrl: `${broker.url}/session/`,
        accessTokens: [details?.accessToken ?? ''],
        clientNodeId: rm.node.id,
        serverNodeId: node.id,
        supportedS2MessageVersions: ['v1.0.0'],
      });
      const s2 = await openS2Session({
        websocketUrl: `${broker.url.replace('http', 'ws')}/s2/v1/ws`,
        websocketToken: session.websocketToken,
      });
      try {
        const opened = await cem.next((frame) => frame.type === 'session.opened');
        expect(opened).toMatchObject({ session: { rmNodeId: rm.node.id, cemNodeId: node.id, s2Version: 'v1.0.0' } });
      } finally {
        s2.close();
      }
    } finally {
      cem.close();
    }
  });

  it('replaces an earlier pairing of the same RM and writes an audit row', async () => {
    expect((await pairWithTestRm()).status).toBe(201);
    const other = await createCemNode(broker.url, tenant);
    expect((await pair({ pairingUrl: rm.pairingUrl, pairingCode: rm.pairingCode }, other.id)).status).toBe(201);
    const rows = await sql<{ cem_node_id: string }>('SELECT cem_node_id FROM pairings WHERE rm_node_id = $1', [
      rm.node.id,
    ]);
    expect(rows).toEqual([{ cem_node_id: other.id }]);
    const audit = await sql<{ action: string; actor_type: string }>(
      `SELECT action, actor_type FROM audit_events WHERE subject_id = $1 AND action = 'pairing.created'`,
      [rm.node.id],
    );
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit[0]).toEqual({ action: 'pairing.created', actor_type: 'service_account' });
  });
});

describe('when the code is wrong or the peer says no', () => {
  it('a code the endpoint does not know: 422, finalizePairing false, nothing stored', async () => {
    const [alias] = rm.pairingCode.split('-');
    const answer = await pair({ pairingUrl: rm.pairingUrl, pairingCode: `${alias}-wrongtoken1` });
    expect(answer.status).toBe(422);
    expect((answer.body as { message: string }).message).toContain('pairing code');
    expect(rm.finalizations).toEqual([{ success: false }]);
    expect(operations()).not.toContain('postConnectionDetails');
    expect(await storedPairings(rm.node.id)).toBe(0);
  });

  it("the endpoint's HMAC is wrong: the broker aborts with finalizePairing false", async () => {
    rm.behave({ wrongHmac: true });
    const answer = await pairWithTestRm();
    expect(answer.status).toBe(422);
    expect(rm.finalizations).toEqual([{ success: false }]);
    expect(operations()).not.toContain('postConnectionDetails');
    expect(await storedPairings(rm.node.id)).toBe(0);
  });

  it("the endpoint refuses our challenge response with 403: passed back as the caller's problem", async () => {
    rm.behave({ answer: { postConnectionDetails: { status: 403 } } });
    const answer = await pairWithTestRm();
    expect(answer).toMatchObject({ status: 422, body: { error: 'Unprocessable Entity', peer: { status: 403 } } });
    // A 403 ends the attempt on the server: nothing left to finalize.
    expect(rm.finalizations).toEqual([]);
    expect(await storedPairings(rm.node.id)).toBe(0);
  });

  it("a PairingResponseErrorMessage comes back with the endpoint's words", async () => {
    const refusal = { errorMessage: 'NoValidPairingTokenOnPairingServer', additionalInfo: 'code expired\nask again' };
    rm.behave({ answer: { requestPairing: { status: 400, body: refusal } } });
    const answer = await pairWithTestRm();
    expect(answer).toMatchObject({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringContaining('NoValidPairingTokenOnPairingServer') as unknown,
        peer: {
          status: 400,
          errorMessage: 'NoValidPairingTokenOnPairingServer',
          additionalInfo: 'code expired ask again',
        },
      },
    });
    expect(rm.finalizations).toEqual([]);
  });

  it('an unknown alias: NodeNotFound, 409', async () => {
    const answer = await pair({ pairingUrl: rm.pairingUrl, pairingCode: `nosuchalias-${'a'.repeat(10)}` });
    expect(answer).toMatchObject({ status: 409, body: { peer: { status: 400, errorMessage: 'NodeNotFound' } } });
  });

  it('no common S2 JSON version: IncompatibleS2MessageVersions, 409', async () => {
    rm.behave({ s2Versions: ['v9.9.9'] });
    const answer = await pairWithTestRm();
    expect(answer).toMatchObject({
      status: 409,
      body: { peer: { errorMessage: 'IncompatibleS2MessageVersions', additionalInfo: 'supported: v9.9.9' } },
    });
  });

  it('no common pairing API version: 409 before requestPairing', async () => {
    rm.behave({ apiVersions: ['v2'] });
    const answer = await pairWithTestRm();
    expect(answer.status).toBe(409);
    expect((answer.body as { message: string }).message).toContain('v2');
    expect(operations()).toEqual(['index']);
  });

  it('the endpoint node is a CEM: 409, finalizePairing false', async () => {
    rm.behave({ responseOverrides: { serverNodeDescription: { ...rm.node, role: 'CEM' } } });
    const answer = await pairWithTestRm();
    expect(answer.status).toBe(409);
    expect(rm.finalizations).toEqual([{ success: false }]);
  });
});

describe('when the peer fails', () => {
  it('an answer to requestPairing that is not JSON: 502, no attempt id to finalize', async () => {
    rm.behave({ answer: { requestPairing: { status: 200, body: '<html>hello</html>' } } });
    const answer = await pairWithTestRm();
    expect(answer.status).toBe(502);
    expect(rm.finalizations).toEqual([]);
  });

  it('an answer off the schema: 502 naming the field, finalizePairing false', async () => {
    rm.behave({ responseOverrides: { serverHmacChallenge: 42 } });
    const answer = await pairWithTestRm();
    expect(answer.status).toBe(502);
    expect((answer.body as { message: string }).message).toContain('serverHmacChallenge');
    expect(rm.finalizations).toEqual([{ success: false }]);
    expect(await storedPairings(rm.node.id)).toBe(0);
  });

  it('a ParsingError from the endpoint is its fault: 502 with its answer', async () => {
    rm.behave({ answer: { requestPairing: { status: 400, body: { errorMessage: 'ParsingError' } } } });
    expect(await pairWithTestRm()).toMatchObject({ status: 502, body: { peer: { errorMessage: 'ParsingError' } } });
  });

  it('postConnectionDetails answered 500: 502, finalizePairing false', async () => {
    rm.behave({ answer: { postConnectionDetails: { status: 500 } } });
    expect(await pairWithTestRm()).toMatchObject({ status: 502, body: { peer: { status: 500 } } });
    expect(rm.finalizations).toEqual([{ success: false }]);
    expect(await storedPairings(rm.node.id)).toBe(0);
  });

  it('finalizePairing answered 400: 502 and nothing stored', async () => {
    rm.behave({ answer: { finalizePairing: { status: 400 } } });
    expect(await pairWithTestRm()).toMatchObject({ status: 502, body: { peer: { status: 400 } } });
    expect(await storedPairings(rm.node.id)).toBe(0);
  });

  it('an answer larger than the limit: 502', async () => {
    rm.behave({ answer: { index: { status: 200, body: JSON.stringify(['v1', 'x'.repeat(100_000)]) } } });
    const answer = await pairWithTestRm();
    expect(answer.status).toBe(502);
    expect((answer.body as { message: string }).message).toContain('larger than');
  });

  it('a redirect is not followed: 502', async () => {
    const elsewhere = await startRmPairingServer();
    try {
      rm.behave({ answer: { index: { status: 302, headers: { location: elsewhere.pairingUrl } } } });
      expect(await pairWithTestRm()).toMatchObject({ status: 502, body: { peer: { status: 302 } } });
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it.each(['requestPairing', 'finalizePairing'] as const)(
    'an endpoint that does not answer %s: 504 and nothing stored',
    async (operation) => {
      rm.behave({ hang: [operation] });
      const answer = await pairWithTestRm();
      expect(answer.status).toBe(504);
      expect(await storedPairings(rm.node.id)).toBe(0);
    },
  );

  it('an unreachable endpoint: 502', async () => {
    const gone = await startRmPairingServer();
    await gone.close();
    const answer = await pair({ pairingUrl: gone.pairingUrl, pairingCode: gone.pairingCode });
    expect(answer.status).toBe(502);
    expect((answer.body as { message: string }).message).toContain('cannot reach');
  });
});

describe('the request', () => {
  it('without a token: 401', async () => {
    expect((await pair({ pairingUrl: rm.pairingUrl, pairingCode: rm.pairingCode }, node.id, null)).status).toBe(401);
  });

  it("another tenant's CEM node, or none: 404, and the endpoint is not called", async () => {
    const other = await createTenant(broker);
    const theirs = await createCemNode(broker.url, other);
    expect((await pair({ pairingUrl: rm.pairingUrl, pairingCode: rm.pairingCode }, theirs.id)).status).toBe(404);
    expect(
      (await pair({ pairingUrl: rm.pairingUrl, pairingCode: rm.pairingCode }, '6f1d6f2e-0000-4000-8000-000000000000'))
        .status,
    ).toBe(404);
    expect(rm.requests).toEqual([]);
  });

  it.each([
    [{ pairingCode: 'abc-defg1234' }, 'pairingUrl'],
    [{ pairingUrl: 'https://rm.example.com/pairing/' }, 'pairingCode'],
    [{ pairingUrl: 'https://rm.example.com/pairing/', pairingCode: 'ab-c!d' }, 'pairingCode'],
    [{ pairingUrl: 'https://rm.example.com/pairing/', pairingCode: 'abc' }, 'pairingCode'],
    [{ pairingUrl: 'ftp://rm.example.com/pairing/', pairingCode: 'abc-defg1234' }, 'pairingUrl'],
    [{ pairingUrl: 'https://10.0.0.1/pairing/', pairingCode: 'abc-defg1234' }, 'pairingUrl'],
    [{ pairingUrl: 'https://rm.example.com/pairing/', pairingCode: 'abc-defg1234', extra: 1 }, 'extra'],
  ])('400 for %j, naming %s', async (body, field) => {
    const answer = await pair(body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify((answer.body as { message: unknown }).message)).toContain(field);
    expect(JSON.stringify(answer.body)).not.toContain('defg1234');
  });
});

describe('configuration', () => {
  let plain: Broker;
  let own: Tenant;
  let ownNode: CemNode;

  beforeAll(async () => {
    plain = await startBroker();
    own = await createTenant(plain);
    ownNode = await createCemNode(plain.url, own);
  });

  afterAll(async () => {
    await plain?.stop();
  });

  const pairOnPlain = (pairingUrl: string) =>
    post(`${plain.url}/api/v1/cem-nodes/${ownNode.id}/pairings`, { pairingUrl, pairingCode: rm.pairingCode }, own.jwt);

  it('https only unless PAIRING_CLIENT_ALLOW_HTTP', async () => {
    expect(await pairOnPlain(rm.pairingUrl)).toMatchObject({
      status: 400,
      body: { message: 'pairingUrl: must be an https:// URL' },
    });
    expect(rm.requests).toEqual([]);
  });

  it('without TLS_CA_CERT_FILE the broker cannot send certificateFingerprint: 503 before any request', async () => {
    const answer = await pairOnPlain('https://pairing.rm.example.com/pairing/');
    expect(answer).toMatchObject({ status: 503, body: { error: 'Service Unavailable' } });
  });

  it('a TLS_CA_CERT_FILE that is not a CA certificate stops the broker with one line naming it', async () => {
    const { code, stderr } = await runBroker(['serve'], { TLS_CA_CERT_FILE: LEAF_FILE });
    expect(code).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('TLS_CA_CERT_FILE');
  });
});
