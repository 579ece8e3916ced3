import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startFakeCemEndpoint, type FakeCemEndpoint, type FakeS2Connection } from '#rm-client/testing';
import { simulateRmCommand } from './simulate-rm.command.js';

let cem: FakeCemEndpoint;
let stdout: string[];
let stderr: string[];
let stop: AbortController;

beforeEach(async () => {
  cem = await startFakeCemEndpoint();
  stdout = [];
  stderr = [];
  stop = new AbortController();
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
  stop.abort();
  vi.restoreAllMocks();
  await cem.close();
});

const lines = () => stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; stdout: ${stdout.join('')}${stderr.join('')}`);
    await sleep(5);
  }
}

function run(...flags: string[]): Promise<number> {
  return simulateRmCommand(
    ['--pairing-url', cem.pairingUrl, '--pairing-code', cem.pairingCode, '--s2-version', 'v0.0.2-beta', ...flags],
    { signal: stop.signal, random: () => 0, waitTimeoutMs: 2_000 },
  );
}

const types = (connection: FakeS2Connection) => connection.received.map((m) => m['message_type']);
const send = (connection: FakeS2Connection, message: Record<string, unknown>) =>
  connection.socket.send(JSON.stringify(message));

describe('simulate-rm --replay', () => {
  it("sends the example's RM messages with fresh ids, prints each, then closes", async () => {
    const connected = cem.s2.nextConnection();
    expect(await run('--replay', 'ev')).toBe(0);
    const connection = await connected;
    const sent = [
      'ResourceManagerDetails',
      'FRBC.SystemDescription',
      'PowerMeasurement',
      'FRBC.ActuatorStatus',
      'FRBC.StorageStatus',
      'InstructionStatusUpdate',
    ];
    expect(lines()[0]).toMatchObject({ cemNodeId: cem.node.id, s2Version: 'v0.0.2-beta' });
    expect(lines().slice(1)).toEqual(sent.map((type) => ({ sent: type })));
    expect(types(connection)).toEqual(sent);
    expect(connection.received[0]?.['message_id']).not.toBe('0c41efc2-771d-468f-afdc-fb69255dad33');
    expect(new Set(connection.received.map((m) => m['message_id'])).size).toBe(sent.length);
    expect(connection.socket.readyState).not.toBe(WebSocket.OPEN);
    expect(stderr).toEqual([]);
  });

  it('sends the Handshake when asked and waits for the CEM', async () => {
    const connected = cem.s2.nextConnection();
    const running = run('--replay', 'ev', '--with-handshake', '--wait-for-cem');
    const connection = await connected;
    await until(() => connection.received.length === 2, 'the Handshake and ResourceManagerDetails');
    expect(types(connection)).toEqual(['Handshake', 'ResourceManagerDetails']);
    await sleep(30);
    expect(connection.received).toHaveLength(2);
    send(connection, {
      message_type: 'SelectControlType',
      message_id: 'sct-1',
      control_type: 'FILL_RATE_BASED_CONTROL',
    });
    await until(() => connection.received.length === 7, 'the FRBC messages');
    // The CEM's message is acknowledged before anything that follows it.
    expect(connection.received[2]).toEqual({
      message_type: 'ReceptionStatus',
      subject_message_id: 'sct-1',
      status: 'OK',
    });
    send(connection, { message_type: 'FRBC.Instruction', message_id: 'i-1' });
    expect(await running).toBe(0);
    expect(types(connection).slice(-2)).toEqual(['ReceptionStatus', 'InstructionStatusUpdate']);
    expect(connection.received.at(-2)).toMatchObject({ subject_message_id: 'i-1', status: 'OK' });
    // What the CEM sent is printed too, between what the RM sent.
    expect(lines().map((line) => line['sent'] ?? line['message_type'] ?? 'session')).toEqual([
      'session',
      'Handshake',
      'ResourceManagerDetails',
      'SelectControlType',
      'ReceptionStatus',
      'FRBC.SystemDescription',
      'PowerMeasurement',
      'FRBC.ActuatorStatus',
      'FRBC.StorageStatus',
      'FRBC.Instruction',
      'ReceptionStatus',
      'InstructionStatusUpdate',
    ]);
  });

  it('exits 1 when the CEM never answers', async () => {
    const connected = cem.s2.nextConnection();
    const running = simulateRmCommand(
      ['--pairing-url', cem.pairingUrl, '--pairing-code', cem.pairingCode, '--replay', 'pv', '--wait-for-cem'],
      { signal: stop.signal, random: () => 0, waitTimeoutMs: 50 },
    );
    await connected;
    expect(await running).toBe(1);
    expect(stderr.join('')).toContain('the replay stopped: no SelectControlType from the CEM within 50 ms');
  });
});

describe('simulate-rm --keep-open', () => {
  it('prints what it receives, starts new sessions, and exits 0 on NoLongerPaired', async () => {
    const first = cem.s2.nextConnection();
    const running = run('--keep-open');
    const one = await first;
    const session = lines()[0] ?? {};
    const rmNodeId = String(session['rmNodeId']);
    const measurement = { message_type: 'ReceptionStatus', subject_message_id: 'x-1', status: 'OK' };
    send(one, measurement);
    await until(() => stdout.length === 2, 'the printed message');
    expect(lines()[1]).toEqual(measurement);

    // The server asks for a new session: the RM closes, initiates again with its access token, reopens.
    const second = cem.s2.nextConnection();
    send(one, { message_type: 'SessionRequest', message_id: 'sr-1', request: 'RECONNECT' });
    const two = await second;
    expect(two.rmNodeId).toBe(rmNodeId);
    expect(one.socket.readyState).not.toBe(WebSocket.OPEN);
    await until(() => stdout.length === 4, 'the new session line');
    const renewed = lines()[3] ?? {};
    expect(lines()[2]).toMatchObject({ message_type: 'SessionRequest', request: 'RECONNECT' });
    expect(renewed).toMatchObject({ rmNodeId, cemNodeId: cem.node.id });
    expect(renewed['accessToken']).not.toBe(session['accessToken']);
    expect(cem.activeToken(rmNodeId)).toBe(renewed['accessToken']);

    // A dropped socket is the same.
    const third = cem.s2.nextConnection();
    two.socket.terminate();
    await third;

    cem.unpairRm(rmNodeId);
    expect(await running).toBe(0);
    expect(lines().at(-1)).toEqual({ ended: 'NoLongerPaired', rmNodeId });
    expect(stderr.join('')).toContain('the server sent SessionRequest RECONNECT; a new session in 0 ms');
    expect(cem.s2.refusals).toEqual([]);
  });

  it('replays on every new session', async () => {
    const first = cem.s2.nextConnection();
    const running = run('--keep-open', '--replay', 'pv');
    const one = await first;
    await until(() => one.received.length === 6, 'the first replay');
    const second = cem.s2.nextConnection();
    one.socket.close(1001, 'going away');
    const two = await second;
    await until(() => two.received.length === 6, 'the second replay');
    expect(types(two)).toEqual(types(one));
    const ids = [...one.received, ...two.received].map((m) => m['message_id']);
    expect(new Set(ids).size).toBe(12);
    stop.abort();
    expect(await running).toBe(0);
  });

  it('closes the socket and exits 0 when stopped', async () => {
    const first = cem.s2.nextConnection();
    const running = run('--keep-open');
    const one = await first;
    const closed = new Promise<number>((resolve) => one.socket.once('close', resolve));
    stop.abort();
    expect(await running).toBe(0);
    expect(await closed).toBe(1000);
    expect(stdout).toHaveLength(1);
  });

  it('exits 1 when the server refuses the access token', async () => {
    const first = cem.s2.nextConnection();
    const running = run('--keep-open');
    const one = await first;
    const rmNodeId = String(lines()[0]?.['rmNodeId']);
    // Forget the pairing without marking it unpaired: initiateSession answers 401.
    cem.forgetPairing(rmNodeId);
    one.socket.close(1000);
    expect(await running).toBe(1);
    expect(stderr.join('')).toContain('the session cannot be restarted: initiateSession: HTTP 401');
  });
});
