import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S2ConnectClientError } from './errors.js';
import { pairWithCem, type Pairing } from './pairing.js';
import { confirmAccessToken, initiateSession, startSession, unpair, type InitiateSessionOptions } from './session.js';
import { startFakeCemEndpoint, type FakeCemEndpoint, type FakeCemOptions } from './testing/fake-cem-endpoint.js';

let cem: FakeCemEndpoint;
let pairing: Pairing;
let rmNodeId: string;

async function setUp(options: FakeCemOptions = {}): Promise<void> {
  cem = await startFakeCemEndpoint(options);
  rmNodeId = randomUUID();
  pairing = await pairWithCem({
    pairingUrl: cem.pairingUrl,
    pairingCode: cem.pairingCode,
    node: { id: rmNodeId, brand: 'Test', type: 'heat pump', modelName: 'H1', role: 'RM' },
    endpoint: { deployment: 'LAN' },
  });
}

beforeEach(() => setUp());
afterEach(() => cem.close());

function sessionOptions(accessTokens: string[]): InitiateSessionOptions {
  return {
    initiateSessionUrl: pairing.initiateSessionUrl,
    accessTokens,
    clientNodeId: rmNodeId,
    serverNodeId: pairing.serverNodeDescription.id,
    supportedS2MessageVersions: ['v1.0.0', 'v0.0.2-beta'],
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

describe('session initiation', () => {
  it('tries the next access token after a 401', async () => {
    const first = await startSession(sessionOptions([pairing.accessToken]));
    // A client that lost the confirm answer holds both; the old one is no longer active.
    const second = await initiateSession(sessionOptions([pairing.accessToken, first.accessToken]));
    expect(second.acceptedAccessToken).toBe(first.accessToken);
    expect(second.selectedS2MessageVersion).toBe('v1.0.0');
    const bearers = cem.requests.filter((r) => r.path === '/session/v1/initiateSession').map((r) => r.authorization);
    expect(bearers.slice(-2)).toEqual([`Bearer ${pairing.accessToken}`, `Bearer ${first.accessToken}`]);
  });

  it('reports a 401 when no token is accepted', async () => {
    const error = await failure(initiateSession(sessionOptions(['bm90IGEgdG9rZW4=', 'YW5vdGhlciBvbmU='])));
    expect(error).toMatchObject({ code: 'REJECTED', step: 'initiateSession', status: 401 });
    expect(error.message).toContain('none of the 2 access tokens');
  });

  it('keeps the old token valid until the new one is confirmed', async () => {
    const initiated = await initiateSession(sessionOptions([pairing.accessToken]));
    expect(initiated.acceptedAccessToken).toBe(pairing.accessToken);
    expect(cem.activeToken(rmNodeId)).toBe(pairing.accessToken);
    const stored: string[] = [];
    const session = await startSession({
      ...sessionOptions([pairing.accessToken]),
      onPendingAccessToken: (token) => {
        stored.push(token);
      },
    });
    expect(stored).toEqual([session.accessToken]);
    expect(cem.activeToken(rmNodeId)).toBe(session.accessToken);
  });

  it('reports a 401 for a pending token the server never issued', async () => {
    const error = await failure(
      confirmAccessToken({ initiateSessionUrl: pairing.initiateSessionUrl, pendingAccessToken: 'bm90IGEgdG9rZW4=' }),
    );
    expect(error).toMatchObject({ code: 'REJECTED', step: 'confirmAccessToken', status: 401 });
  });

  it('does not confirm when the pending token cannot be stored', async () => {
    await expect(
      startSession({
        ...sessionOptions([pairing.accessToken]),
        onPendingAccessToken: () => Promise.reject(new Error('disk full')),
      }),
    ).rejects.toThrow('disk full');
    expect(cem.requests.some((r) => r.path === '/session/v1/confirmAccessToken')).toBe(false);
    expect(cem.activeToken(rmNodeId)).toBe(pairing.accessToken);
  });

  it('refuses a version that was not offered', async () => {
    await cem.close();
    await setUp({ forceS2Version: 'v9.9.9' });
    const error = await failure(initiateSession(sessionOptions([pairing.accessToken])));
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE', step: 'initiateSession' });
    expect(error.message).toContain('v9.9.9');
  });

  it('surfaces IncompatibleS2MessageVersions', async () => {
    const error = await failure(
      initiateSession({ ...sessionOptions([pairing.accessToken]), supportedS2MessageVersions: ['v3.0.0'] }),
    );
    expect(error).toMatchObject({ status: 400, errorMessage: 'IncompatibleS2MessageVersions' });
  });
});

describe('unpair', () => {
  it('unpairs, after which initiateSession answers NoLongerPaired', async () => {
    const session = await startSession(sessionOptions([pairing.accessToken]));
    await unpair({
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessToken: session.accessToken,
      clientNodeId: rmNodeId,
      serverNodeId: pairing.serverNodeDescription.id,
    });
    expect(cem.activeToken(rmNodeId)).toBeUndefined();

    const error = await failure(initiateSession(sessionOptions([session.accessToken])));
    expect(error).toMatchObject({
      code: 'REJECTED',
      step: 'initiateSession',
      status: 400,
      errorMessage: 'NoLongerPaired',
    });
  });

  it('reports a 401 for a token the server does not take', async () => {
    const error = await failure(
      unpair({
        initiateSessionUrl: pairing.initiateSessionUrl,
        accessToken: 'bm90IGEgdG9rZW4=',
        clientNodeId: rmNodeId,
        serverNodeId: pairing.serverNodeDescription.id,
      }),
    );
    expect(error).toMatchObject({ code: 'REJECTED', step: 'unpair', status: 401 });
    expect(cem.activeToken(rmNodeId)).toBe(pairing.accessToken);
  });
});
