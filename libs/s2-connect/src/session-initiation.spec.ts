// S2 Connect v1.0.0 "1. POST /[version]/initiateSession": the server's check table, one case per row.
// The rows that need storage (NoLongerPaired, the three 401 rows, "ready for connecting") are the
// caller's and run in test/session.e2e-spec.ts; here the pure ones and where they sit in the order.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionErrorCode } from './errors.js';
import { parseInitiateSession, parseUnpair, selectSession } from './session-initiation.js';

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clientNodeId: randomUUID(),
    serverNodeId: randomUUID(),
    supportedS2MessageVersions: ['v1.0.0'],
    supportedCommunicationProtocols: ['WebSocket'],
    ...overrides,
  };
}

function outcome(raw: unknown): SessionErrorCode | string {
  try {
    const selection = selectSession(parseInitiateSession(raw));
    return `${selection.protocol} ${selection.s2Version}`;
  } catch (error) {
    return (error as { code: SessionErrorCode }).code;
  }
}

describe('initiateSession server checks (the specification table)', () => {
  it.each<[string, unknown, string]>([
    // Row 1: properly formatted, follows the schema? ParsingError (first, before any 401).
    ['not an object', [], 'ParsingError'],
    ['no clientNodeId', { ...body(), clientNodeId: undefined }, 'ParsingError'],
    ['a serverNodeId that is not a UUID', body({ serverNodeId: 'node-1' }), 'ParsingError'],
    ['versions not a list', body({ supportedS2MessageVersions: 'v1.0.0' }), 'ParsingError'],
    // Rows 2 to 5 (NoLongerPaired, 401 x 3) need the database: the caller's, between parsing and these.
    // Row 6: overlapping communication protocols?
    ['no common protocol', body({ supportedCommunicationProtocols: ['MQTT'] }), 'IncompatibleCommunicationProtocols'],
    ['no protocol at all', body({ supportedCommunicationProtocols: [] }), 'IncompatibleCommunicationProtocols'],
    // Row 7: overlapping S2 message versions? (checked after the protocols, as in the table)
    ['no common S2 version', body({ supportedS2MessageVersions: ['v9.9.9'] }), 'IncompatibleS2MessageVersions'],
    [
      'neither in common: the protocol row comes first',
      body({ supportedS2MessageVersions: ['v9.9.9'], supportedCommunicationProtocols: ['MQTT'] }),
      'IncompatibleCommunicationProtocols',
    ],
    // Row 8 ("ready for connecting", Other) is the caller's: tenant suspended, quota, draining.
    // Every check passed: our best version that the client offered.
    ['v1.0.0 offered', body(), 'WebSocket v1.0.0'],
    ['only the older version', body({ supportedS2MessageVersions: ['v0.0.2-beta'] }), 'WebSocket v0.0.2-beta'],
    ['both, in the client order', body({ supportedS2MessageVersions: ['v0.0.2-beta', 'v1.0.0'] }), 'WebSocket v1.0.0'],
    ['exact strings only', body({ supportedS2MessageVersions: ['V1.0.0', '1.0.0'] }), 'IncompatibleS2MessageVersions'],
  ])('%s: %s', (_name, raw, expected) => {
    expect(outcome(JSON.parse(JSON.stringify(raw)) as unknown)).toBe(expected);
  });
});

describe('parseUnpair (unpair answers only 204 and 401)', () => {
  const ids = { clientNodeId: randomUUID(), serverNodeId: randomUUID() };
  it.each<[string, unknown, boolean]>([
    ['both node ids', ids, true],
    ['a node id missing', { clientNodeId: ids.clientNodeId }, false],
    ['not an object', 'unpair', false],
    ['a node id that is not a UUID', { ...ids, serverNodeId: 'x' }, false],
  ])('%s', (_name, raw, parsed) => {
    expect(parseUnpair(raw) !== undefined).toBe(parsed);
  });
});
