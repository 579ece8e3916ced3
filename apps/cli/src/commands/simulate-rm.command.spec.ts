import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeCemEndpoint, type FakeCemEndpoint } from '#rm-client/testing';
import { parseSimulateRmArgs, simulateRmCommand } from './simulate-rm.command.js';

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

describe('parseSimulateRmArgs', () => {
  const base = ['--pairing-url', 'https://s2.example.com/pairing/', '--pairing-code', 'abc123-Tok3nXyZ9q'];

  it('keeps the one-shot behaviour by default', () => {
    expect(parseSimulateRmArgs(base)).toEqual({
      kind: 'run',
      args: {
        pairingUrl: 'https://s2.example.com/pairing/',
        pairingCode: 'abc123-Tok3nXyZ9q',
        versions: ['v1.0.0', 'v0.0.2-beta'],
        brand: 's2-broker',
        model: 'simulate-rm',
        keepOpen: false,
        replay: undefined,
        withHandshake: false,
        waitForCem: false,
      },
    });
  });

  it('reads --keep-open, --replay and its options', () => {
    const parsed = parseSimulateRmArgs([
      ...base,
      '--keep-open',
      '--replay',
      'heat-pump',
      '--with-handshake',
      '--wait-for-cem',
    ]);
    expect(parsed).toMatchObject({
      kind: 'run',
      args: { keepOpen: true, replay: 'heat-pump', withHandshake: true, waitForCem: true },
    });
    expect(parseSimulateRmArgs([...base, '--replay=pv'])).toMatchObject({ kind: 'run', args: { replay: 'pv' } });
    expect(parseSimulateRmArgs([...base, '--keep-open'])).toMatchObject({
      args: { keepOpen: true, replay: undefined },
    });
    expect(parseSimulateRmArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('refuses what it cannot run', () => {
    const usage = (argv: string[]) => {
      const parsed = parseSimulateRmArgs(argv, {});
      return parsed.kind === 'usage' ? parsed.message : parsed.kind;
    };
    expect(usage([...base, '--replay', 'battery'])).toBe('--replay must be one of ev, heat-pump, pv');
    expect(usage([...base, '--replay'])).toMatch(/--replay/);
    expect(usage([...base, '--with-handshake'])).toBe('--with-handshake and --wait-for-cem go with --replay');
    expect(usage([...base, '--wait-for-cem', '--keep-open'])).toBe(
      '--with-handshake and --wait-for-cem go with --replay',
    );
    expect(usage([...base, '--keep-open=yes'])).toMatch(/keep-open/);
    expect(usage([...base, '--s2-version', ' '])).toBe('--s2-version must not be empty');
    expect(usage(['--replay', 'ev'])).toBe(
      '--pairing-url and --pairing-code are required (or S2_BROKER_PAIRING_URL and S2_BROKER_PAIRING_CODE)',
    );
  });

  it('takes the pairing URL and code from the environment that pairing-code issue --env sets', () => {
    const env = { S2_BROKER_PAIRING_URL: 'https://s2.example/pairing/', S2_BROKER_PAIRING_CODE: 'abc-1' };
    expect(parseSimulateRmArgs(['--replay', 'ev'], env)).toMatchObject({
      kind: 'run',
      args: { pairingUrl: 'https://s2.example/pairing/', pairingCode: 'abc-1' },
    });
    expect(parseSimulateRmArgs(['--pairing-code', 'flag-2'], env)).toMatchObject({ args: { pairingCode: 'flag-2' } });
  });

  it('exits 2 on bad usage of the new flags, before pairing', async () => {
    expect(await simulateRmCommand([...base, '--replay', 'battery'])).toBe(2);
    expect(await simulateRmCommand([...base, '--with-handshake'])).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join('')).toContain('--replay must be one of ev, heat-pump, pv');
    expect(cem.requests).toEqual([]);
  });
});
