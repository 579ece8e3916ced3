// S2 Connect v1.0.0, "1. POST /[version]/requestPairing": the server's check table, one case per row
// and in the table's order, through the two pure halves (parse, then check what the caller found).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newChallenge } from './challenge.js';
import type { PairingErrorCode } from './errors.js';
import type { RequestPairingRequest } from './generated/types.js';
import { checkRequestPairing, parseRequestPairing, type PairingTarget } from './request-pairing.js';

const ALIAS = 'a7kq2m';
const TOKEN = 'Tok3nXyZ9q';
const READY: PairingTarget = { ready: true, token: TOKEN };

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientNodeDescription: { id: randomUUID(), brand: 'Volta', type: 'EV charger', modelName: 'V22', role: 'RM' },
    clientEndpointDescription: { name: 'Volta cloud', deployment: 'WAN' },
    nodeIdAlias: ALIAS,
    supportedCommunicationProtocols: ['WebSocket'],
    supportedS2MessageVersions: ['v1.0.0'],
    supportedHmacHashingAlgorithms: ['SHA256'],
    clientHmacChallenge: newChallenge(),
    ...overrides,
  };
}

function without(name: string): Record<string, unknown> {
  const copy = body();
  delete copy[name];
  return copy;
}

/** The code `requestPairing` answers for `raw` when the caller found `target` (undefined: found nothing). */
function outcome(raw: unknown, target: PairingTarget | undefined): PairingErrorCode | 'accepted' {
  try {
    const { request, target: reference } = parseRequestPairing(raw);
    checkRequestPairing(request, reference, target);
    return 'accepted';
  } catch (error) {
    return (error as { code: PairingErrorCode }).code;
  }
}

const CLIENT_CEM = { id: randomUUID(), brand: 'Acme', type: 'EMS', modelName: 'Cloud', role: 'CEM' };

describe('requestPairing server checks (the specification table, in order)', () => {
  it.each<[string, unknown, PairingTarget | undefined, PairingErrorCode | 'accepted']>([
    // Row 1: properly formatted, follows the schema? ParsingError, never ignored.
    ['not an object', 'requestPairing', READY, 'ParsingError'],
    ['a required field missing', without('clientHmacChallenge'), READY, 'ParsingError'],
    ['a field of the wrong type', body({ supportedS2MessageVersions: 'v1.0.0' }), READY, 'ParsingError'],
    ['nodeId and nodeIdAlias both', body({ nodeId: randomUUID() }), READY, 'ParsingError'],
    ['a challenge that is not Base64', body({ clientHmacChallenge: 'not base64!' }), READY, 'ParsingError'],
    [
      'a challenge under 32 bytes',
      body({ clientHmacChallenge: Buffer.alloc(31).toString('base64') }),
      READY,
      'ParsingError',
    ],
    [
      'schema broken even with forcePairing',
      body({ forcePairing: true, clientHmacChallenge: 7 }),
      READY,
      'ParsingError',
    ],
    // Row 2: does it recognise the nodeIdAlias (or nodeId)? NodeNotFound.
    ['an alias nobody holds', body(), undefined, 'NodeNotFound'],
    ['a nodeId nobody holds', body({ nodeIdAlias: undefined, nodeId: randomUUID() }), undefined, 'NodeNotFound'],
    ['an unknown node with forcePairing', body({ forcePairing: true }), undefined, 'NodeNotFound'],
    // Row 3: are the endpoint and node ready for pairing? Other.
    ['a node that cannot pair now', body(), { ready: false, token: TOKEN }, 'Other'],
    ['not ready, with forcePairing', body({ forcePairing: true }), { ready: false, token: TOKEN }, 'Other'],
    // Row 4: no nodeIdAlias, does the endpoint represent one node? It represents many: NoNodeIdProvided.
    ['no node reference at all', without('nodeIdAlias'), undefined, 'NoNodeIdProvided'],
    // Row 5: a different role than the initiator's? The broker's nodes are CEMs.
    [
      'a CEM asking to pair with a CEM',
      body({ clientNodeDescription: CLIENT_CEM }),
      READY,
      'InvalidCombinationOfRoles',
    ],
    // Row 6: an accepted hashing algorithm? Never ignored.
    [
      'no SHA256 offered',
      body({ supportedHmacHashingAlgorithms: ['SHA3'] }),
      READY,
      'IncompatibleHmacHashingAlgorithms',
    ],
    [
      'no SHA256, with forcePairing',
      body({ supportedHmacHashingAlgorithms: ['SHA3'], forcePairing: true }),
      READY,
      'IncompatibleHmacHashingAlgorithms',
    ],
    ['SHA256 among others', body({ supportedHmacHashingAlgorithms: ['SHA3', 'SHA256'] }), READY, 'accepted'],
    // Row 7: overlapping communication protocols? May be ignored with forcePairing.
    [
      'no common protocol',
      body({ supportedCommunicationProtocols: ['MQTT'] }),
      READY,
      'IncompatibleCommunicationProtocols',
    ],
    [
      'no common protocol, forced',
      body({ supportedCommunicationProtocols: ['MQTT'], forcePairing: true }),
      READY,
      'accepted',
    ],
    // Row 8: overlapping S2 message versions? May be ignored with forcePairing.
    ['no common S2 version', body({ supportedS2MessageVersions: ['v9.9.9'] }), READY, 'IncompatibleS2MessageVersions'],
    [
      'no common S2 version, forced',
      body({ supportedS2MessageVersions: ['v9.9.9'], forcePairing: true }),
      READY,
      'accepted',
    ],
    ['the older S2 version only', body({ supportedS2MessageVersions: ['v0.0.2-beta'] }), READY, 'accepted'],
    // Rows 9 and 10: a pairing token that has not expired? The broker's node is always the responder (the
    // RM's user typed the broker's code), so the node's own token is what counts. Never ignored.
    ['a node without a valid token', body(), { ready: true, token: undefined }, 'NoValidPairingTokenOnPairingServer'],
    [
      'no valid token, with forcePairing',
      body({ forcePairing: true }),
      { ready: true, token: undefined },
      'NoValidPairingTokenOnPairingServer',
    ],
    // Row 11: a WAN pairing server for a LAN endpoint? The broker is not one: a LAN client pairs as any.
    [
      'a LAN client endpoint',
      body({ clientEndpointDescription: { name: 'Home', deployment: 'LAN' } }),
      READY,
      'accepted',
    ],
    // Every check passed.
    ['a request that passes every check', body(), READY, 'accepted'],
    ['by nodeId instead of alias', body({ nodeIdAlias: undefined, nodeId: randomUUID() }), READY, 'accepted'],
  ])('%s: %s', (_name, raw, target, expected) => {
    // JSON round trip: undefined fields are absent, as on the wire.
    const wire = typeof raw === 'object' ? (JSON.parse(JSON.stringify(raw)) as unknown) : raw;
    expect(outcome(wire, target)).toBe(expected);
  });

  it('answers the node token and SHA256 to a request that passes', () => {
    const { request, target } = parseRequestPairing(body());
    expect(target).toEqual({ by: 'nodeIdAlias', value: ALIAS });
    expect(checkRequestPairing(request as RequestPairingRequest, target, READY)).toEqual({
      hashingAlgorithm: 'SHA256',
      token: TOKEN,
    });
  });

  it('names the broken field in additionalInfo', () => {
    expect(() => parseRequestPairing(without('clientHmacChallenge'))).toThrow(/clientHmacChallenge/);
  });
});
