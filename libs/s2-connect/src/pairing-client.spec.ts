import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { challengeResponse, newChallenge } from './challenge.js';
import type { NodeDescription, RequestPairingResponse } from './generated/types.js';
import {
  checkRequestPairingResponse,
  communicationServerRole,
  requestPairingBody,
  sha256Fingerprint,
} from './pairing-client.js';
import { validateBody } from './schemas.js';

const cem: NodeDescription = { id: randomUUID(), brand: 'Acme', type: 'EMS', modelName: 'Cloud', role: 'CEM' };
const rm: NodeDescription = { id: randomUUID(), brand: 'Volta', type: 'EV charger', modelName: 'V22', role: 'RM' };
const TOKEN = 'Tok3nXyZ9q';
const DOMAIN = 'pairing.rm.example.com';

function answer(challenge: string, overrides: Partial<RequestPairingResponse> = {}): RequestPairingResponse {
  return {
    pairingAttemptId: 'a'.repeat(32),
    serverNodeDescription: rm,
    serverEndpointDescription: { name: 'Volta cloud', deployment: 'WAN' },
    selectedHmacHashingAlgorithm: 'SHA256',
    clientHmacChallengeResponse: challengeResponse(challenge, TOKEN, DOMAIN),
    serverHmacChallenge: newChallenge(),
    ...overrides,
  };
}

const expectation = (clientHmacChallenge: string) => ({
  clientHmacChallenge,
  token: TOKEN,
  domain: DOMAIN,
  serverRole: 'RM' as const,
});

describe('requestPairingBody', () => {
  it('sends the alias as nodeIdAlias, never the token, and follows the schema', () => {
    const body = requestPairingBody({
      node: cem,
      endpoint: { name: 'Aggregator', deployment: 'WAN' },
      code: { nodeIdAlias: 'ab12', token: TOKEN },
      clientHmacChallenge: newChallenge(),
      supportedCommunicationProtocols: ['WebSocket'],
      supportedS2MessageVersions: ['v1.0.0', 'v0.0.2-beta'],
    });
    expect(body.nodeIdAlias).toBe('ab12');
    expect(body.supportedHmacHashingAlgorithms).toEqual(['SHA256']);
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(validateBody('RequestPairingRequest', body).ok).toBe(true);
  });

  it('leaves nodeIdAlias out for a code without one', () => {
    const body = requestPairingBody({
      node: cem,
      endpoint: {},
      code: { nodeIdAlias: undefined, token: TOKEN },
      clientHmacChallenge: newChallenge(),
      supportedCommunicationProtocols: ['WebSocket'],
      supportedS2MessageVersions: ['v1.0.0'],
    });
    expect(body).not.toHaveProperty('nodeIdAlias');
  });
});

describe('checkRequestPairingResponse', () => {
  it('accepts an answer with the right HMAC over T || D', () => {
    const challenge = newChallenge();
    const checked = checkRequestPairingResponse(answer(challenge), expectation(challenge));
    expect(checked).toMatchObject({ ok: true, response: { serverNodeDescription: rm } });
  });

  it('finds a mismatch when the server used another token', () => {
    const challenge = newChallenge();
    const body = answer(challenge, { clientHmacChallengeResponse: challengeResponse(challenge, 'other', DOMAIN) });
    expect(checkRequestPairingResponse(body, expectation(challenge))).toMatchObject({
      ok: false,
      problem: 'challenge-mismatch',
      pairingAttemptId: 'a'.repeat(32),
    });
  });

  it('finds a mismatch when the server used another domain name D', () => {
    const challenge = newChallenge();
    const body = answer(challenge, {
      clientHmacChallengeResponse: challengeResponse(challenge, TOKEN, 'evil.example'),
    });
    expect(checkRequestPairingResponse(body, expectation(challenge))).toMatchObject({
      ok: false,
      problem: 'challenge-mismatch',
    });
  });

  it('refuses a server node of our own role before looking at the HMAC', () => {
    const challenge = newChallenge();
    const body = answer(challenge, { serverNodeDescription: cem, clientHmacChallengeResponse: 'AAAA' });
    expect(checkRequestPairingResponse(body, expectation(challenge))).toMatchObject({
      ok: false,
      problem: 'incompatible-role',
    });
  });

  it('refuses a serverHmacChallenge shorter than 32 bytes', () => {
    const challenge = newChallenge();
    const body = answer(challenge, { serverHmacChallenge: Buffer.alloc(8).toString('base64') });
    expect(checkRequestPairingResponse(body, expectation(challenge))).toMatchObject({
      ok: false,
      problem: 'invalid-response',
    });
  });

  it('names the broken field of an answer off the schema and keeps its attempt id', () => {
    const challenge = newChallenge();
    const { serverNodeDescription: _dropped, ...body } = answer(challenge);
    const checked = checkRequestPairingResponse(body, expectation(challenge));
    expect(checked).toMatchObject({ ok: false, problem: 'invalid-response', pairingAttemptId: 'a'.repeat(32) });
    expect(!checked.ok && checked.detail).toContain('serverNodeDescription');
  });

  it.each([undefined, 'not json', [], { pairingAttemptId: 7 }])('has no attempt id to abandon in %j', (body) => {
    expect(checkRequestPairingResponse(body, expectation(newChallenge()))).toMatchObject({
      ok: false,
      problem: 'invalid-response',
      pairingAttemptId: undefined,
    });
  });
});

describe('communicationServerRole', () => {
  it.each([
    ['WAN', 'WAN', 'CEM'],
    ['WAN', 'LAN', 'CEM'],
    ['LAN', 'WAN', 'RM'],
    ['LAN', 'LAN', 'CEM'],
    [undefined, undefined, 'CEM'],
  ] as const)('CEM %s, RM %s: the %s serves', (cemDeployment, rmDeployment, role) => {
    expect(communicationServerRole(cemDeployment, rmDeployment)).toBe(role);
  });
});

describe('certificate fingerprints', () => {
  it('are upper-case hexadecimal SHA-256 with colons between the bytes', () => {
    const der = Buffer.from('a certificate');
    const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
    const fingerprint = sha256Fingerprint(der);
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fingerprint.replaceAll(':', '')).toBe(hex);
  });
});
