import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { CemChannel, type CemChannelOptions } from './channel.js';
import { CemClientError } from './errors.js';
import type { BrokerFrame, ChannelS2Message } from './frames.js';

/** A stand-in for the broker's CEM channel endpoint: records each connection and what it received. */
interface Connection {
  readonly socket: WebSocket;
  readonly authorization: string | undefined;
  readonly path: string;
  readonly extensions: string | undefined;
  readonly received: unknown[];
}

interface TestBroker {
  readonly url: string;
  readonly connections: Connection[];
  /** Refuse upgrades with this status (undefined accepts). */
  refuseWith: number | undefined;
  nextConnection(): Promise<Connection>;
  close(): Promise<void>;
}

let broker: TestBroker | undefined;
let channel: CemChannel | undefined;

afterEach(async () => {
  await channel?.close();
  channel = undefined;
  await broker?.close();
  broker = undefined;
});

async function startBroker(options: { autoPong?: boolean } = {}): Promise<TestBroker> {
  const connections: Connection[] = [];
  const waiters: ((connection: Connection) => void)[] = [];
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: true,
    autoPong: options.autoPong ?? true,
    verifyClient: (_info, done) => {
      if (state.refuseWith === undefined) done(true);
      else done(false, state.refuseWith);
    },
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    const connection: Connection = {
      socket,
      authorization: request.headers.authorization,
      path: request.url ?? '',
      extensions: request.headers['sec-websocket-extensions'],
      received: [],
    };
    socket.on('message', (data) => connection.received.push(JSON.parse(String(data)) as unknown));
    connections.push(connection);
    const waiter = waiters.shift();
    waiter?.(connection);
  });
  const state: TestBroker = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/cem/v1/ws`,
    connections,
    refuseWith: undefined,
    nextConnection: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
  broker = state;
  return state;
}

function tokens(): { getToken: () => string; issued: string[] } {
  const issued: string[] = [];
  return {
    issued,
    getToken: () => {
      const token = `jwt-${issued.length + 1}`;
      issued.push(token);
      return token;
    },
  };
}

function open(options: CemChannelOptions): CemChannel {
  channel = new CemChannel({ random: () => 0, ...options });
  return channel;
}

function once<T extends unknown[]>(target: CemChannel, event: 'open' | 'close' | 'error' | 'reconnecting'): Promise<T> {
  return new Promise((resolve) => target.once(event, (...args: unknown[]) => resolve(args as T)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const measurement: ChannelS2Message = {
  message_type: 'PowerMeasurement',
  message_id: 'm-1',
  measurement_timestamp: '2025-01-01T00:00:00Z',
  values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1200 }],
};

describe('CemChannel', () => {
  it('connects with the bearer token, the cemNodeId parameters and per-message deflate', async () => {
    const server = await startBroker();
    const { getToken } = tokens();
    const client = open({ url: server.url, getToken, cemNodeIds: ['n1', 'n2'] });
    const accepted = server.nextConnection();
    await client.connect();
    const connection = await accepted;
    expect(client.isOpen).toBe(true);
    expect(connection.authorization).toBe('Bearer jwt-1');
    expect(connection.path).toBe('/cem/v1/ws?cemNodeId=n1&cemNodeId=n2');
    expect(connection.extensions).toContain('permessage-deflate');
  });

  it('hands out each frame type in order, and reports junk without closing', async () => {
    const server = await startBroker();
    const client = open({ url: server.url, getToken: tokens().getToken });
    const accepted = server.nextConnection();
    await client.connect();
    const { socket } = await accepted;

    const seen: string[] = [];
    const frames: BrokerFrame[] = [];
    const errors: CemClientError[] = [];
    client.on('frame', (frame) => frames.push(frame));
    client.on('session.opened', (frame) => seen.push(`opened ${frame.session.sessionId}`));
    client.on('message', (frame) => seen.push(`message ${frame.message.message_type}`));
    client.on('session.closed', (frame) => seen.push(`closed ${frame.reason}`));
    client.on('pairing.created', (frame) => seen.push(`created ${frame.rmNodeId}`));
    client.on('pairing.removed', (frame) => seen.push(`removed ${frame.rmNodeId}`));
    client.on('broker.error', (frame) => seen.push(`broker error ${frame.code} ${frame.ref ?? ''}`));
    client.on('error', (error) => errors.push(error));

    const ids = { sessionId: 's-1', rmNodeId: 'rm-1', cemNodeId: 'cem-1' };
    const session = {
      ...ids,
      s2Version: 'v1.0.0',
      rmNodeDescription: { id: 'rm-1', brand: 'B', type: 'EV', modelName: 'M', role: 'RM' },
      rmEndpointDescription: { deployment: 'WAN' },
      controlType: null,
      snapshot: [],
    };
    for (const frame of [
      { type: 'pairing.created', rmNodeId: 'rm-1', cemNodeId: 'cem-1' },
      { type: 'session.opened', session },
      { type: 'message', ...ids, message: measurement },
      'not json',
      { type: 'later.feature' },
      { type: 'error', ref: 'r1', code: 'UNKNOWN_RM', detail: 'no such RM' },
      { type: 'session.closed', ...ids, reason: 'unpaired' },
      { type: 'pairing.removed', rmNodeId: 'rm-1', cemNodeId: 'cem-1' },
    ]) {
      socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    }
    socket.send(Buffer.from('{}'), { binary: true });
    await eventually(() => errors.length === 3 && seen.length === 6, 'the frames');

    expect(seen).toEqual([
      'created rm-1',
      'opened s-1',
      'message PowerMeasurement',
      'broker error UNKNOWN_RM r1',
      'closed unpaired',
      'removed rm-1',
    ]);
    expect(frames.map((frame) => frame.type)).toEqual([
      'pairing.created',
      'session.opened',
      'message',
      'error',
      'session.closed',
      'pairing.removed',
    ]);
    expect(errors.map((error) => error.code)).toEqual(['INVALID_FRAME', 'UNKNOWN_FRAME_TYPE', 'INVALID_FRAME']);
    expect(client.isOpen).toBe(true);
  });

  it('sends message frames, with or without a ref, only while open', async () => {
    const server = await startBroker();
    const client = open({ url: server.url, getToken: tokens().getToken });
    expect(client.send('rm-1', measurement)).toBe(false);
    const accepted = server.nextConnection();
    await client.connect();
    const connection = await accepted;

    expect(client.send('rm-1', measurement, 'r-1')).toBe(true);
    expect(client.send('rm-2', measurement)).toBe(true);
    expect(client.sendRaw('{"type":"nonsense"}')).toBe(true);
    await eventually(() => connection.received.length === 3, 'three frames');
    expect(connection.received).toEqual([
      { type: 'message', rmNodeId: 'rm-1', ref: 'r-1', message: measurement },
      { type: 'message', rmNodeId: 'rm-2', message: measurement },
      { type: 'nonsense' },
    ]);

    await client.close();
    expect(client.send('rm-1', measurement)).toBe(false);
  });

  it('reconnects with a fresh token after the broker drops the connection', async () => {
    const server = await startBroker();
    const { getToken, issued } = tokens();
    const client = open({ url: server.url, getToken, backoff: { baseDelayMs: 20 } });
    const first = server.nextConnection();
    await client.connect();
    const dropped = await first;

    const closed = once<[number, string]>(client, 'close');
    const reconnecting = once<[number, number]>(client, 'reconnecting');
    const reopened = once(client, 'open');
    const second = server.nextConnection();
    dropped.socket.close(4000, 'going away');
    expect(await closed).toEqual([4000, 'going away']);
    expect(await reconnecting).toEqual([0, 0]);
    await reopened;
    expect((await second).authorization).toBe('Bearer jwt-2');
    expect(issued).toEqual(['jwt-1', 'jwt-2']);

    // An abrupt drop (no close frame) is reconnected the same way.
    const third = server.nextConnection();
    server.connections[1]?.socket.terminate();
    expect((await third).authorization).toBe('Bearer jwt-3');
  });

  it('keeps trying through refusals and failing tokens, reporting each', async () => {
    const server = await startBroker();
    let fail = false;
    let count = 0;
    const client = open({
      url: server.url,
      getToken: () => {
        count += 1;
        if (fail) throw new Error('identity provider down');
        return `secret-token-${count}`;
      },
    });
    await client.connect();
    const errors: CemClientError[] = [];
    client.on('error', (error) => errors.push(error));

    server.refuseWith = 401;
    server.connections[0]?.socket.terminate();
    await eventually(() => errors.length >= 2, 'two refusals');
    expect(errors[0]).toMatchObject({ code: 'UPGRADE_REJECTED', status: 401 });
    expect(errors[0]?.message).toBe('the broker refused the channel: HTTP 401');

    fail = true;
    await eventually(() => errors.some((error) => error.code === 'TOKEN_UNAVAILABLE'), 'a token failure');
    expect(errors.find((error) => error.code === 'TOKEN_UNAVAILABLE')?.message).toBe(
      'getToken failed: identity provider down',
    );

    server.refuseWith = undefined;
    fail = false;
    const reopened = once(client, 'open');
    await reopened;
    expect(server.connections).toHaveLength(2);
    for (const error of errors) expect(error.message).not.toContain('secret-token');
  });

  it('does not reconnect after close()', async () => {
    const server = await startBroker();
    const { getToken, issued } = tokens();
    const client = open({ url: server.url, getToken });
    const accepted = server.nextConnection();
    await client.connect();
    const connection = await accepted;
    const serverSawClose = new Promise<number>((resolve) => connection.socket.once('close', resolve));
    const closed = once<[number, string]>(client, 'close');

    await client.close(1000, 'done');
    expect(await closed).toEqual([1000, 'done']);
    expect(await serverSawClose).toBe(1000);
    await sleep(100);
    expect(server.connections).toHaveLength(1);
    expect(issued).toHaveLength(1);
    await expect(client.connect()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('stops waiting to reconnect when closed during the backoff', async () => {
    const server = await startBroker();
    const { getToken, issued } = tokens();
    const client = open({ url: server.url, getToken, random: () => 0.999, backoff: { baseDelayMs: 200 } });
    await client.connect();
    const reconnecting = once<[number, number]>(client, 'reconnecting');
    server.connections[0]?.socket.terminate();
    const [, delayMs] = await reconnecting;
    expect(delayMs).toBeGreaterThan(150);
    await client.close();
    await sleep(300);
    expect(issued).toHaveLength(1);
    expect(server.connections).toHaveLength(1);
  });

  it('grows the delay while connections do not last, within the bounds', async () => {
    const server = await startBroker();
    const client = open({
      url: server.url,
      getToken: tokens().getToken,
      random: () => 0.999,
      backoff: { baseDelayMs: 4, maxDelayMs: 20 },
      stableAfterMs: 60_000,
    });
    await client.connect();
    const delays: [number, number][] = [];
    client.on('reconnecting', (attempt, delayMs) => delays.push([attempt, delayMs]));
    for (let drop = 0; drop < 4; drop++) {
      const next = server.nextConnection();
      server.connections.at(-1)?.socket.terminate();
      await next;
    }
    expect(delays.map(([attempt]) => attempt)).toEqual([0, 1, 2, 3]);
    expect(delays.map(([, delay]) => Math.round(delay))).toEqual([4, 8, 16, 20]);
  });

  it('starts the backoff over after a stable connection', async () => {
    const server = await startBroker();
    const client = open({ url: server.url, getToken: tokens().getToken, stableAfterMs: 0 });
    await client.connect();
    const attempts: number[] = [];
    client.on('reconnecting', (attempt) => attempts.push(attempt));
    for (let drop = 0; drop < 3; drop++) {
      const next = server.nextConnection();
      server.connections.at(-1)?.socket.terminate();
      await next;
    }
    expect(attempts).toEqual([0, 0, 0]);
  });

  it('rejects connect() when the first attempt is refused, and stops there', async () => {
    const server = await startBroker();
    server.refuseWith = 401;
    const { getToken, issued } = tokens();
    const client = open({ url: server.url, getToken });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CemClientError);
    expect(error).toMatchObject({ code: 'UPGRADE_REJECTED', status: 401 });
    await sleep(50);
    expect(issued).toHaveLength(1);
  });

  it('rejects connect() when nothing listens', async () => {
    const server = await startBroker();
    const url = server.url;
    await server.close();
    broker = undefined;
    const client = open({ url, getToken: tokens().getToken });
    await expect(client.connect()).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });

  it('gives up on a broker that stays silent, and reconnects', async () => {
    const server = await startBroker({ autoPong: false });
    const client = open({ url: server.url, getToken: tokens().getToken, pingIntervalMs: 20, idleTimeoutMs: 80 });
    await client.connect();
    const closed = once<[number, string]>(client, 'close');
    const next = server.nextConnection();
    expect(await closed).toEqual([1006, 'nothing from the broker for 80 ms']);
    await next;
  });

  it('refuses a URL it cannot use', () => {
    expect(() => new CemChannel({ url: 'ftp://x/', getToken: () => 't' })).toThrow(CemClientError);
  });
});
