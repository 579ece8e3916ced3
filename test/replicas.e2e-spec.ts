// Two broker processes on two ports sharing PostgreSQL and Redis, as replicas behind a load balancer
// without sticky sessions: every S2 Connect step may land on either.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem, startSession } from '#rm-client';
import { challengeResponse, newChallenge } from '#s2-connect';
import { type Broker, MAIN, startBroker } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  issueCode,
  post,
  requestPairingBody,
  rmNode,
  RM_ENDPOINT,
  type Tenant,
} from './support/s2-connect.js';

const run = promisify(execFile);

let a: Broker;
let b: Broker;
let tenant: Tenant;
const secrets = new Set<string>();

beforeAll(async () => {
  // One public URL for both, as behind one ingress: the HMAC domain is its host name.
  [a, b] = await Promise.all([startBroker(), startBroker()]);
  tenant = await createTenant(a);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function code() {
  const node = await createCemNode(b.url, tenant);
  const issued = await issueCode(a.url, tenant, node);
  secrets.add(issued.token);
  return { node, issued };
}

describe('two replicas', () => {
  it('requestPairing on one, requestConnectionDetails and finalizePairing on the other', async () => {
    const { node, issued } = await code();
    const challenge = newChallenge();
    const started = await post(
      `${a.url}/pairing/v1/requestPairing`,
      requestPairingBody({ nodeIdAlias: issued.nodeIdAlias, challenge }),
    );
    expect(started.status).toBe(200);
    const answer = started.body as {
      pairingAttemptId: string;
      serverHmacChallenge: string;
      clientHmacChallengeResponse: string;
    };
    secrets.add(answer.pairingAttemptId);
    expect(answer.clientHmacChallengeResponse).toBe(challengeResponse(challenge, issued.token, 'localhost'));
    const details = await post(
      `${b.url}/pairing/v1/requestConnectionDetails`,
      { serverHmacChallengeResponse: challengeResponse(answer.serverHmacChallenge, issued.token, 'localhost') },
      answer.pairingAttemptId,
    );
    expect(details.status).toBe(200);
    secrets.add((details.body as { accessToken: string }).accessToken);
    expect((await post(`${b.url}/pairing/v1/finalizePairing`, { success: true }, answer.pairingAttemptId)).status).toBe(
      204,
    );
    expect((await post(`${a.url}/pairing/v1/finalizePairing`, { success: true }, answer.pairingAttemptId)).status).toBe(
      401,
    );
    expect(node.id).toBeTruthy();
  });

  it('initiateSession on one and confirmAccessToken on the other', async () => {
    const { issued } = await code();
    const rm = rmNode();
    const pairing = await pairWithCem({
      pairingUrl: issued.pairingUrl,
      pairingCode: issued.pairingCode,
      node: rm,
      endpoint: RM_ENDPOINT,
    });
    secrets.add(pairing.accessToken);
    const initiated = await post(
      `${a.url}/session/v1/initiateSession`,
      {
        clientNodeId: rm.id,
        serverNodeId: pairing.serverNodeDescription.id,
        supportedS2MessageVersions: ['v1.0.0'],
        supportedCommunicationProtocols: ['WebSocket'],
      },
      pairing.accessToken,
    );
    expect(initiated.status).toBe(200);
    const pending = (initiated.body as { accessToken: string }).accessToken;
    secrets.add(pending);
    const confirmed = await post(`${b.url}/session/v1/confirmAccessToken`, undefined, pending);
    expect(confirmed).toMatchObject({ status: 200, body: { communicationProtocol: 'WebSocket' } });
    secrets.add((confirmed.body as { websocketToken: string }).websocketToken);
  });

  it('five simultaneous attempts for one node, spread over both, are answered at least one second apart', async () => {
    const { issued } = await code();
    const answers = await Promise.all(
      [a, b, a, b, a].map((broker) =>
        post(`${broker.url}/pairing/v1/requestPairing`, requestPairingBody({ nodeIdAlias: issued.nodeIdAlias })),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200, 200, 200]);
    const times = answers.map((x) => x.at).sort((x, y) => x - y);
    // The broker answers a second apart; seen from here, an answer can arrive a little late and the
    // next one on time. Without the gate, the gaps would be near zero.
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(900);
  });

  // Pairings of different nodes do not wait for each other: one after another, they would take over
  // 200 s and the test would time out. The throughput figure is bench/pairing's.
  it('200 pairings with 200 different nodes, spread over both, all complete', { timeout: 90_000 }, async () => {
    const codes = [];
    for (let i = 0; i < 200; i += 20) codes.push(...(await Promise.all(Array.from({ length: 20 }, () => code()))));
    const results = await Promise.all(
      codes.map(({ issued }, i) =>
        pairWithCem({
          // The same public pairing URL, but half the requests reach the other replica.
          pairingUrl: i % 2 === 0 ? issued.pairingUrl : issued.pairingUrl.replace(`:${a.port}/`, `:${b.port}/`),
          pairingCode: issued.pairingCode,
          node: rmNode(),
          endpoint: RM_ENDPOINT,
        }),
      ),
    );
    expect(results).toHaveLength(200);
    expect(new Set(results.map((r) => r.serverNodeDescription.id)).size).toBe(200);
  });

  it('simulate-rm pairs, starts a session and prints the websocket details', async () => {
    const { node, issued } = await code();
    const { stdout } = await run(process.execPath, [
      MAIN,
      'simulate-rm',
      '--pairing-url',
      issued.pairingUrl,
      '--pairing-code',
      issued.pairingCode,
    ]);
    const printed = JSON.parse(stdout) as Record<string, string>;
    expect(printed).toMatchObject({
      cemNodeId: node.id,
      s2Version: 'v1.0.0',
      websocketUrl: `ws://localhost:${a.port}/s2/v1/ws`,
    });
    secrets.add(printed.accessToken as string);
    secrets.add(printed.websocketToken as string);
    // The access token it printed is the active one: it starts the next session.
    const again = await startSession({
      initiateSessionUrl: printed.initiateSessionUrl as string,
      accessTokens: [printed.accessToken as string],
      clientNodeId: printed.rmNodeId as string,
      serverNodeId: node.id,
      supportedS2MessageVersions: ['v0.0.2-beta'],
    });
    expect(again.selectedS2MessageVersion).toBe('v0.0.2-beta');
  });

  it('simulate-rm with a wrong pairing code fails with one line and exit code 1', async () => {
    const { issued } = await code();
    const wrong = `${issued.nodeIdAlias}-WRONGTOKEN1`;
    const failure = await run(process.execPath, [
      MAIN,
      'simulate-rm',
      '--pairing-url',
      issued.pairingUrl,
      '--pairing-code',
      wrong,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  });

  it('neither replica logs a secret', () => {
    const text = [a, b].flatMap((x) => [...x.stdout, ...x.stderr]).join('\n');
    expect(secrets.size).toBeGreaterThan(10);
    for (const secret of secrets) expect(text.includes(secret), 'a secret in the log').toBe(false);
  });
});
