import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeDescription } from '#s2-connect';
import { S2ConnectClientError } from './errors.js';
import { pairWithCem, type PairWithCemOptions } from './pairing.js';
import { startSession } from './session.js';
import { startFakeCemEndpoint, type FakeCemEndpoint, type FakeCemOptions } from './testing/fake-cem-endpoint.js';

let endpoint: FakeCemEndpoint | undefined;

afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function fake(options: FakeCemOptions = {}): Promise<FakeCemEndpoint> {
  endpoint = await startFakeCemEndpoint(options);
  return endpoint;
}

function rmNode(): NodeDescription {
  return { id: randomUUID(), brand: 'Test', type: 'EV charger', modelName: 'T1', role: 'RM' };
}

function options(cem: FakeCemEndpoint, overrides: Partial<PairWithCemOptions> = {}): PairWithCemOptions {
  return {
    pairingUrl: cem.pairingUrl,
    pairingCode: cem.pairingCode,
    node: rmNode(),
    endpoint: { name: 'test RM', deployment: 'WAN' },
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<S2ConnectClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S2ConnectClientError);
  return error as S2ConnectClientError;
}

const paths = (cem: FakeCemEndpoint) => cem.requests.map((r) => `${r.method} ${r.path}`);

describe('pairWithCem', () => {
  it('pairs and starts a session', async () => {
    const cem = await fake();
    const node = rmNode();
    const pairing = await pairWithCem(options(cem, { node }));

    expect(pairing.serverNodeDescription).toEqual(cem.node);
    expect(pairing.serverEndpointDescription.deployment).toBe('WAN');
    expect(pairing.initiateSessionUrl).toBe(cem.initiateSessionUrl);
    expect(cem.activeToken(node.id)).toBe(pairing.accessToken);
    expect(cem.finalizations).toEqual([{ success: true }]);
    expect(paths(cem)).toEqual([
      'GET /pairing/',
      'POST /pairing/v1/requestPairing',
      'POST /pairing/v1/requestConnectionDetails',
      'POST /pairing/v1/finalizePairing',
    ]);
    const request = cem.requests[1]?.body as Record<string, unknown>;
    expect(request['nodeIdAlias']).toBe('abc123');
    expect(request['supportedHmacHashingAlgorithms']).toEqual(['SHA256']);
    expect(request['supportedCommunicationProtocols']).toEqual(['WebSocket']);
    expect(request['supportedS2MessageVersions']).toEqual(['v1.0.0', 'v0.0.2-beta']);
    // The pairing token is only ever HMAC input.
    expect(JSON.stringify(cem.requests)).not.toContain(cem.token);

    const session = await startSession({
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessTokens: [pairing.accessToken],
      clientNodeId: node.id,
      serverNodeId: pairing.serverNodeDescription.id,
      supportedS2MessageVersions: ['v0.0.2-beta'],
    });
    expect(session.selectedS2MessageVersion).toBe('v0.0.2-beta');
    expect(session.selectedCommunicationProtocol).toBe('WebSocket');
    expect(session.communicationProtocol).toBe('WebSocket');
    expect(session.websocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/s2\/v1\/ws$/);
    expect(session.websocketToken.length).toBeGreaterThanOrEqual(32);
    expect(session.acceptedAccessToken).toBe(pairing.accessToken);
    expect(session.accessToken).toBe(session.pendingAccessToken);
    expect(session.accessToken).not.toBe(pairing.accessToken);
    expect(cem.activeToken(node.id)).toBe(session.accessToken);
  });

  it('accepts a pairing URL without its trailing slash and uses the injected fetch', async () => {
    const cem = await fake();
    const seen: string[] = [];
    const pairing = await pairWithCem(
      options(cem, {
        pairingUrl: cem.pairingUrl.slice(0, -1),
        fetch: (url, init) => {
          seen.push(url);
          return fetch(url, init);
        },
      }),
    );
    expect(pairing.accessToken).toBeTruthy();
    expect(seen[0]).toBe(cem.pairingUrl);
    expect(seen).toHaveLength(4);
  });

  it('abandons the attempt when the server does not know the token', async () => {
    const cem = await fake({ wrongClientHmacResponse: true });
    const error = await failure(pairWithCem(options(cem)));
    expect(error.code).toBe('CHALLENGE_MISMATCH');
    expect(error.step).toBe('requestPairing');
    expect(cem.finalizations).toEqual([{ success: false }]);
    expect(paths(cem)).not.toContain('POST /pairing/v1/requestConnectionDetails');
    const finalize = cem.requests.find((r) => r.path === '/pairing/v1/finalizePairing');
    expect(finalize?.authorization).toMatch(/^Bearer .{32,}$/);
  });

  it('abandons the attempt when the server node is not a CEM', async () => {
    const cem = await fake({ serverRole: 'RM' });
    const error = await failure(pairWithCem(options(cem)));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).toContain('not CEM');
    expect(cem.finalizations).toEqual([{ success: false }]);
  });

  it("surfaces the server's PairingResponseErrorMessage", async () => {
    const cem = await fake();
    const error = await failure(pairWithCem(options(cem, { pairingCode: 'zzz999-abcdef' })));
    expect(error).toMatchObject({
      code: 'REJECTED',
      step: 'requestPairing',
      status: 400,
      errorMessage: 'NodeNotFound',
    });

    await cem.close();
    const other = await fake({
      requestPairingAnswer: {
        status: 400,
        body: { errorMessage: 'IncompatibleS2MessageVersions', additionalInfo: 'supported: v1.0.0' },
      },
    });
    const second = await failure(pairWithCem(options(other)));
    expect(second).toMatchObject({
      status: 400,
      errorMessage: 'IncompatibleS2MessageVersions',
      additionalInfo: 'supported: v1.0.0',
    });
    expect(second.message).toBe('requestPairing: HTTP 400 IncompatibleS2MessageVersions: supported: v1.0.0');
    expect(other.finalizations).toEqual([]);
  });

  it('reports a 503 with its status', async () => {
    const cem = await fake({ requestPairingAnswer: { status: 503 } });
    const error = await failure(pairWithCem(options(cem)));
    expect(error).toMatchObject({ code: 'REJECTED', step: 'requestPairing', status: 503 });
    expect(error.errorMessage).toBeUndefined();
  });

  it('refuses a malformed pairing code without sending anything or repeating it', async () => {
    const cem = await fake();
    const error = await failure(pairWithCem(options(cem, { pairingCode: 'ab-c!d' })));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).not.toContain('c!d');
    expect(cem.requests).toEqual([]);
  });

  it('refuses a node that is not an RM', async () => {
    const cem = await fake();
    const error = await failure(pairWithCem(options(cem, { node: { ...rmNode(), role: 'CEM' } })));
    expect(error.code).toBe('INVALID_INPUT');
  });

  it('stops when the server implements no API version of ours', async () => {
    const cem = await fake({ apiVersions: ['v2'] });
    const error = await failure(pairWithCem(options(cem)));
    expect(error).toMatchObject({ code: 'INCOMPATIBLE_API_VERSION', step: 'selectApiVersion' });
    expect(paths(cem)).toEqual(['GET /pairing/']);
  });

  it('reports an unreachable server', async () => {
    const cem = await fake();
    const url = cem.pairingUrl;
    await cem.close();
    endpoint = undefined;
    const error = await failure(pairWithCem({ ...options(cem), pairingUrl: url }));
    expect(error).toMatchObject({ code: 'UNREACHABLE', step: 'selectApiVersion' });
    expect(error.message).toContain('ECONNREFUSED');
  });
});
