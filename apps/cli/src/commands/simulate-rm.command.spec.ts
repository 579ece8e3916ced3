import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  startFakeCemEndpoint,
  type FakeCemEndpoint,
} from '../../../../libs/rm-client/src/testing/fake-cem-endpoint.js';
import { simulateRmCommand } from './simulate-rm.command.js';

let cem: FakeCemEndpoint;
let stdout: string[];
let stderr: string[];

beforeEach(async () => {
  cem = await startFakeCemEndpoint();
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await cem.close();
});

describe('simulate-rm', () => {
  it('pairs, starts a session and prints one JSON object', async () => {
    const code = await simulateRmCommand([
      '--pairing-url',
      cem.pairingUrl,
      '--pairing-code',
      cem.pairingCode,
      '--s2-version',
      'v0.0.2-beta',
      '--brand',
      'Acme',
    ]);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toHaveLength(1);
    const printed = JSON.parse(stdout[0] ?? '') as Record<string, string>;
    expect(Object.keys(printed).sort()).toEqual(
      [
        'accessToken',
        'cemNodeId',
        'initiateSessionUrl',
        'rmNodeId',
        's2Version',
        'websocketToken',
        'websocketUrl',
      ].sort(),
    );
    expect(printed['cemNodeId']).toBe(cem.node.id);
    expect(printed['s2Version']).toBe('v0.0.2-beta');
    expect(cem.activeToken(printed['rmNodeId'] ?? '')).toBe(printed['accessToken']);
    const request = cem.requests.find((r) => r.path === '/pairing/v1/requestPairing')?.body as {
      clientNodeDescription: Record<string, unknown>;
      clientEndpointDescription: Record<string, unknown>;
    };
    expect(request.clientNodeDescription).toMatchObject({ brand: 'Acme', role: 'RM', id: printed['rmNodeId'] });
    expect(request.clientEndpointDescription).toMatchObject({ deployment: 'WAN' });
  });

  it('offers both S2 JSON versions by default', async () => {
    expect(await simulateRmCommand(['--pairing-url', cem.pairingUrl, '--pairing-code', cem.pairingCode])).toBe(0);
    const request = cem.requests.find((r) => r.path === '/session/v1/initiateSession')?.body as Record<string, unknown>;
    expect(request['supportedS2MessageVersions']).toEqual(['v1.0.0', 'v0.0.2-beta']);
  });

  it('exits 2 on bad usage', async () => {
    expect(await simulateRmCommand(['--pairing-url', cem.pairingUrl])).toBe(2);
    expect(await simulateRmCommand(['--nope'])).toBe(2);
    expect(stdout).toEqual([]);
    expect(cem.requests).toEqual([]);
  });

  it('exits 1 with one line when pairing fails', async () => {
    const code = await simulateRmCommand(['--pairing-url', cem.pairingUrl, '--pairing-code', 'zzz999-abcdef']);
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^s2-broker simulate-rm: pairing failed: requestPairing: HTTP 400 NodeNotFound\n$/);
  });
});
