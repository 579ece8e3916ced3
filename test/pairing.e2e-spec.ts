// S2 Connect v1 pairing against the running broker: one test per row of the specification's check
// tables for requestPairing and the steps after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challengeResponse, newChallenge } from '#s2-connect';
import { hashToken } from '#security';
import { type Broker, startBroker } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  get,
  issueCode,
  pairByHand,
  post,
  requestPairingBody,
  rmNode,
  sql,
  type CemNode,
  type IssuedCode,
  type Tenant,
} from './support/s2-connect.js';
import { openTestRedis } from './support/redis.js';

let broker: Broker;
let tenant: Tenant;
const DOMAIN = 'localhost';
const redis = openTestRedis();

beforeAll(async () => {
  broker = await startBroker();
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
  redis.disconnect();
});

async function nodeWithCode(body: object = {}): Promise<{ node: CemNode; code: IssuedCode }> {
  const node = await createCemNode(broker.url, tenant);
  return { node, code: await issueCode(broker.url, tenant, node, body) };
}

const requestPairing = (body: unknown, raw = false) =>
  post(`${broker.url}/pairing/v1/requestPairing`, body, undefined, raw);

describe('the pairing URL', () => {
  it('GET /pairing/ lists the implemented versions', async () => {
    expect(await get(`${broker.url}/pairing/`)).toMatchObject({ status: 200, body: ['v1'] });
  });

  it.each(['endpoint', 'nodes'])('GET /pairing/v1/%s is LAN-only: 404', async (path) => {
    expect((await get(`${broker.url}/pairing/v1/${path}`)).status).toBe(404);
  });

  it.each(['preparePairing', 'cancelPreparePairing', 'waitForPairing'])(
    'POST /pairing/v1/%s is LAN-only: 404',
    async (path) => {
      expect((await post(`${broker.url}/pairing/v1/${path}`, {})).status).toBe(404);
    },
  );
});

describe.concurrent('requestPairing checks, in the order of the table', () => {
  it('ParsingError: a body that is not JSON', async () => {
    expect(await requestPairing('{"clientNodeDescription":', true)).toMatchObject({
      status: 400,
      body: { errorMessage: 'ParsingError' },
    });
  });

  it('ParsingError: a body that does not follow the schema', async () => {
    const { code } = await nodeWithCode();
    const body = requestPairingBody({ nodeIdAlias: code.nodeIdAlias });
    delete body.clientHmacChallenge;
    const answer = await requestPairing(body);
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: 'ParsingError' } });
    expect((answer.body as { additionalInfo: string }).additionalInfo).toContain('clientHmacChallenge');
  });

  it('ParsingError: nodeId and nodeIdAlias together', async () => {
    const { node, code } = await nodeWithCode();
    const answer = await requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias, nodeId: node.id }));
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: 'ParsingError' } });
  });

  it('ParsingError: a challenge shorter than 32 bytes', async () => {
    const { code } = await nodeWithCode();
    const answer = await requestPairing(
      requestPairingBody({ nodeIdAlias: code.nodeIdAlias, challenge: Buffer.alloc(16).toString('base64') }),
    );
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: 'ParsingError' } });
  });

  it('ParsingError comes before NodeNotFound', async () => {
    const body = requestPairingBody({ nodeIdAlias: 'nosuchalias' });
    delete body.supportedS2MessageVersions;
    expect(await requestPairing(body)).toMatchObject({ status: 400, body: { errorMessage: 'ParsingError' } });
  });

  it('NodeNotFound: an unknown nodeIdAlias', async () => {
    expect(await requestPairing(requestPairingBody({ nodeIdAlias: 'nosuchalias' }))).toMatchObject({
      status: 400,
      body: { errorMessage: 'NodeNotFound' },
    });
  });

  it('NodeNotFound: an unknown nodeId', async () => {
    const answer = await requestPairing(requestPairingBody({ nodeId: '6f1d6f2e-0000-4000-8000-000000000000' }));
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: 'NodeNotFound' } });
  });

  it('nodeId resolves a node as well as nodeIdAlias', async () => {
    const { node } = await nodeWithCode();
    const answer = await requestPairing(requestPairingBody({ nodeId: node.id }));
    expect(answer.status).toBe(200);
  });

  it('Other: the node is not ready for pairing (its tenant is suspended)', async () => {
    const own = await createTenant(broker);
    const node = await createCemNode(broker.url, own);
    const code = await issueCode(broker.url, own, node);
    await sql(`UPDATE tenants SET status = 'SUSPENDED' WHERE id = $1`, [own.id]);
    expect(await requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias }))).toMatchObject({
      status: 400,
      body: { errorMessage: 'Other' },
    });
  });

  it('NoNodeIdProvided: neither nodeId nor nodeIdAlias on an endpoint of many nodes', async () => {
    expect(await requestPairing(requestPairingBody({}))).toMatchObject({
      status: 400,
      body: { errorMessage: 'NoNodeIdProvided' },
    });
  });

  it('InvalidCombinationOfRoles: a CEM cannot pair with a CEM', async () => {
    const { code } = await nodeWithCode();
    const answer = await requestPairing(
      requestPairingBody({ nodeIdAlias: code.nodeIdAlias, node: rmNode({ role: 'CEM' }) }),
    );
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: 'InvalidCombinationOfRoles' } });
  });

  it('IncompatibleHmacHashingAlgorithms: only algorithms the broker does not accept (not a ParsingError)', async () => {
    const { code } = await nodeWithCode();
    const answer = await requestPairing(
      requestPairingBody({ nodeIdAlias: code.nodeIdAlias, supportedHmacHashingAlgorithms: ['SHA3-512'] }),
    );
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: 'IncompatibleHmacHashingAlgorithms' } });
  });

  it('IncompatibleCommunicationProtocols, which forcePairing overrides', async () => {
    const { code } = await nodeWithCode();
    const body = { nodeIdAlias: code.nodeIdAlias, supportedCommunicationProtocols: ['MQTT'] };
    expect(await requestPairing(requestPairingBody(body))).toMatchObject({
      status: 400,
      body: { errorMessage: 'IncompatibleCommunicationProtocols' },
    });
    expect((await requestPairing(requestPairingBody({ ...body, forcePairing: true }))).status).toBe(200);
  });

  it('IncompatibleS2MessageVersions, which forcePairing overrides', async () => {
    const { code } = await nodeWithCode();
    const body = { nodeIdAlias: code.nodeIdAlias, supportedS2MessageVersions: ['v9.9.9'] };
    expect(await requestPairing(requestPairingBody(body))).toMatchObject({
      status: 400,
      body: { errorMessage: 'IncompatibleS2MessageVersions' },
    });
    expect((await requestPairing(requestPairingBody({ ...body, forcePairing: true }))).status).toBe(200);
  });

  it('NoValidPairingTokenOnPairingServer: the node has no pairing code', async () => {
    const node = await createCemNode(broker.url, tenant);
    expect(await requestPairing(requestPairingBody({ nodeIdAlias: node.nodeIdAlias }))).toMatchObject({
      status: 400,
      body: { errorMessage: 'NoValidPairingTokenOnPairingServer' },
    });
  });

  it('NoValidPairingTokenOnPairingServer: its code has expired', async () => {
    const { node, code } = await nodeWithCode();
    await sql(`UPDATE pairing_codes SET expires_at = now() - interval '1 second' WHERE cem_node_id = $1`, [node.id]);
    expect(await requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias }))).toMatchObject({
      status: 400,
      body: { errorMessage: 'NoValidPairingTokenOnPairingServer' },
    });
  });

  it("a LAN RM pairs with this WAN endpoint too (the table's last row is for WAN servers of LAN endpoints)", async () => {
    const { code } = await nodeWithCode();
    const answer = await requestPairing(
      requestPairingBody({ nodeIdAlias: code.nodeIdAlias, endpoint: { name: 'Home', deployment: 'LAN' } }),
    );
    expect(answer.status).toBe(200);
  });
});

describe.concurrent('the requestPairing answer', () => {
  it('carries the tenant brand, the CEM node, SHA256 and a correct HMAC over the token and the domain', async () => {
    const { node, code } = await nodeWithCode();
    const challenge = newChallenge();
    const answer = await requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias, challenge }));
    expect(answer.status).toBe(200);
    const body = answer.body as Record<string, unknown>;
    expect(body).toMatchObject({
      serverNodeDescription: { id: node.id, brand: 'Acme', type: 'EMS', modelName: 'Cloud CEM', role: 'CEM' },
      serverEndpointDescription: {
        name: tenant.name,
        logoUrl: 'https://aggregator.example/logo.png',
        deployment: 'WAN',
      },
      selectedHmacHashingAlgorithm: 'SHA256',
      clientHmacChallengeResponse: challengeResponse(challenge, code.token, DOMAIN),
    });
    expect(Buffer.from(body.serverHmacChallenge as string, 'base64').length).toBeGreaterThanOrEqual(32);
    expect((body.pairingAttemptId as string).length).toBeGreaterThanOrEqual(32);
    // The attempt lives 15 seconds from the answer, not from before the mandatory one-second delay.
    const ttl = await redis.pttl(`s2b:pairing-attempt:${hashToken(body.pairingAttemptId as string)}`);
    expect(ttl).toBeGreaterThan(14_500);
    expect(ttl).toBeLessThanOrEqual(15_000);
  });

  it('comes no sooner than one second after the request', async () => {
    const { code } = await nodeWithCode();
    const answer = await requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias }));
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeGreaterThanOrEqual(1000);
  });
});

async function startAttempt(code: IssuedCode, rm = rmNode()) {
  const answer = await requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias, node: rm }));
  expect(answer.status).toBe(200);
  const body = answer.body as { pairingAttemptId: string; serverHmacChallenge: string };
  return {
    id: body.pairingAttemptId,
    goodResponse: challengeResponse(body.serverHmacChallenge, code.token, DOMAIN),
    rm,
  };
}

const step = (name: string, body: unknown, attemptId?: string) =>
  post(`${broker.url}/pairing/v1/${name}`, body, attemptId);

describe.concurrent('the steps after requestPairing', () => {
  it('the whole pairing: connection details, then finalize; the pairing is stored with a hashed token', async () => {
    const { node, code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    const details = await step(
      'requestConnectionDetails',
      { serverHmacChallengeResponse: attempt.goodResponse },
      attempt.id,
    );
    expect(details.status).toBe(200);
    const { accessToken, initiateSessionUrl } = details.body as { accessToken: string; initiateSessionUrl: string };
    expect(initiateSessionUrl).toBe(`http://localhost:${broker.port}/session/`);
    expect(Buffer.from(accessToken, 'base64').length).toBeGreaterThanOrEqual(32);
    expect((await step('finalizePairing', { success: true }, attempt.id)).status).toBe(204);
    const rows = await sql<{ token_hash: string; state: string }>(
      `SELECT t.token_hash, t.state FROM pairings p JOIN access_tokens t ON t.pairing_id = p.id WHERE p.rm_node_id = $1 AND p.cem_node_id = $2`,
      [attempt.rm.id, node.id],
    );
    expect(rows).toEqual([{ token_hash: hashToken(accessToken), state: 'ACTIVE' }]);
    // Finished: the attempt id is refused from now on.
    expect((await step('finalizePairing', { success: true }, attempt.id)).status).toBe(401);
  });

  it('401: an unknown pairingAttemptId, or none', async () => {
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: newChallenge() }, 'x'.repeat(32))).status,
    ).toBe(401);
    expect((await step('requestConnectionDetails', { serverHmacChallengeResponse: newChallenge() })).status).toBe(401);
    expect((await step('finalizePairing', { success: true }, 'y'.repeat(32))).status).toBe(401);
    expect((await step('postConnectionDetails', {}, 'z'.repeat(32))).status).toBe(401);
  });

  it('403: a wrong serverHmacChallengeResponse, and the attempt is over', async () => {
    const { code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: newChallenge() }, attempt.id)).status,
    ).toBe(403);
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: attempt.goodResponse }, attempt.id))
        .status,
    ).toBe(401);
  });

  it('400: a body not understood, and the attempt is over', async () => {
    const { code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    expect((await post(`${broker.url}/pairing/v1/requestConnectionDetails`, '{oops', attempt.id, true)).status).toBe(
      400,
    );
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: attempt.goodResponse }, attempt.id))
        .status,
    ).toBe(401);
  });

  it('the same requestConnectionDetails twice is answered the same', async () => {
    const { code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    const first = await step(
      'requestConnectionDetails',
      { serverHmacChallengeResponse: attempt.goodResponse },
      attempt.id,
    );
    const second = await step(
      'requestConnectionDetails',
      { serverHmacChallengeResponse: attempt.goodResponse },
      attempt.id,
    );
    expect(first.status).toBe(200);
    expect(second).toMatchObject({ status: 200, body: first.body });
    expect((await step('finalizePairing', { success: true }, attempt.id)).status).toBe(204);
  });

  it('postConnectionDetails is the wrong branch for this broker: 400, and the attempt fails', async () => {
    const { code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    const details = {
      serverHmacChallengeResponse: attempt.goodResponse,
      connectionDetails: { initiateSessionUrl: 'https://rm.example/session/', accessToken: newChallenge() },
    };
    expect((await step('postConnectionDetails', details, attempt.id)).status).toBe(400);
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: attempt.goodResponse }, attempt.id))
        .status,
    ).toBe(401);
  });

  it('finalizePairing before requestConnectionDetails is out of order: 400, and the attempt fails', async () => {
    const { code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    expect((await step('finalizePairing', { success: true }, attempt.id)).status).toBe(400);
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: attempt.goodResponse }, attempt.id))
        .status,
    ).toBe(401);
  });

  it('finalizePairing with success false ends the attempt without a pairing', async () => {
    const { code } = await nodeWithCode();
    const attempt = await startAttempt(code);
    expect(
      (await step('requestConnectionDetails', { serverHmacChallengeResponse: attempt.goodResponse }, attempt.id))
        .status,
    ).toBe(200);
    expect((await step('finalizePairing', { success: false }, attempt.id)).status).toBe(204);
    expect(await sql(`SELECT 1 FROM pairings WHERE rm_node_id = $1`, [attempt.rm.id])).toEqual([]);
    expect((await step('finalizePairing', { success: true }, attempt.id)).status).toBe(401);
  });
});

describe('pairing rules', () => {
  it('an RM paired with another CEM node is unpaired from it, and both events are published', async () => {
    const first = await nodeWithCode();
    const second = await nodeWithCode();
    const rm = rmNode();
    const since = (await redis.xrevrange('s2b:events', '+', '-', 'COUNT', 1))[0]?.[0] ?? '0';
    const one = await pairByHand(broker.url, first.code, DOMAIN, rm);
    const two = await pairByHand(broker.url, second.code, DOMAIN, rm);
    const pairings = await sql<{ cem_node_id: string }>(`SELECT cem_node_id FROM pairings WHERE rm_node_id = $1`, [
      rm.id,
    ]);
    expect(pairings).toEqual([{ cem_node_id: second.node.id }]);
    // The first pairing's token is gone, kept only as a hash in the tombstone.
    expect(await sql(`SELECT 1 FROM access_tokens WHERE token_hash = $1`, [hashToken(one.accessToken)])).toEqual([]);
    expect(two.accessToken).not.toBe(one.accessToken);
    const events = (await redis.xrange('s2b:events', `(${since}`, '+'))
      .map(([, fields]) => JSON.parse(fields[1] as string) as Record<string, string>)
      .filter((e) => e.rmNodeId === rm.id);
    expect(events).toEqual([
      { type: 'pairing.created', tenantId: tenant.id, cemNodeId: first.node.id, rmNodeId: rm.id },
      {
        type: 'pairing.removed',
        tenantId: tenant.id,
        cemNodeId: first.node.id,
        rmNodeId: rm.id,
        reason: 'paired-elsewhere',
      },
      { type: 'pairing.created', tenantId: tenant.id, cemNodeId: second.node.id, rmNodeId: rm.id },
    ]);
  });

  it('pairing an already paired pair again counts as unpair and new pairing (a new access token)', async () => {
    const { code } = await nodeWithCode();
    const rm = rmNode();
    const one = await pairByHand(broker.url, code, DOMAIN, rm);
    const two = await pairByHand(broker.url, code, DOMAIN, rm);
    expect(two.accessToken).not.toBe(one.accessToken);
    const tombstones = await sql<{ reason: string }>(`SELECT reason FROM unpaired_pairings WHERE rm_node_id = $1`, [
      rm.id,
    ]);
    expect(tombstones).toEqual([{ reason: 'repaired' }]);
  });

  it('five simultaneous attempts for one node are answered at least one second apart', async () => {
    const { code } = await nodeWithCode();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => requestPairing(requestPairingBody({ nodeIdAlias: code.nodeIdAlias }))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const times = answers.map((a) => a.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(990);
  });
});
