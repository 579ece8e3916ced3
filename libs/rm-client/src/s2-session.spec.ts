import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { S2Message } from '#s2-json';
import { openS2Session, type S2Session } from './s2-session.js';
import { S2SessionError } from './s2-session-error.js';

const TOKEN = Buffer.alloc(32, 9).toString('base64');

interface TinyServer {
  readonly url: string;
  readonly sockets: WebSocket[];
  readonly received: unknown[];
  readonly headers: { authorization?: string; extensions?: string }[];
  /** Sent to each socket as soon as it connects, before the client can have read anything. */
  greeting: string[];
  close(): Promise<void>;
}

let server: TinyServer | undefined;
let session: S2Session | undefined;
let silent: Server | undefined;
const silentSockets: Socket[] = [];

afterEach(async () => {
  await session?.close();
  session = undefined;
  await server?.close();
  server = undefined;
  for (const socket of silentSockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
  silent = undefined;
});

async function start(options: { autoPong?: boolean } = {}): Promise<TinyServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: true,
    autoPong: options.autoPong ?? true,
    verifyClient: (info, done) => done(info.req.headers.authorization === `Bearer ${TOKEN}`, 401),
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const state: TinyServer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/s2/v1/ws`,
    sockets: [],
    received: [],
    headers: [],
    greeting: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket, request) => {
    state.sockets.push(socket);
    state.headers.push({
      authorization: request.headers.authorization,
      extensions: request.headers['sec-websocket-extensions'],
    });
    socket.on('message', (data) => state.received.push(JSON.parse(String(data)) as unknown));
    for (const text of state.greeting) socket.send(text);
  });
  server = state;
  return state;
}

async function open(url: string, extra: Partial<Parameters<typeof openS2Session>[0]> = {}): Promise<S2Session> {
  session = await openS2Session({ websocketUrl: url, websocketToken: TOKEN, perMessageDeflate: true, ...extra });
  return session;
}

async function failure(promise: Promise<unknown>): Promise<S2SessionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S2SessionError);
  return error as S2SessionError;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rmd: S2Message = {
  message_type: 'ResourceManagerDetails',
  message_id: 'rmd-1',
  resource_id: 'ev-1',
  roles: [{ role: 'ENERGY_CONSUMER', commodity: 'ELECTRICITY' }],
  instruction_processing_delay: 100,
  available_control_types: ['FILL_RATE_BASED_CONTROL'],
  provides_forecast: false,
  provides_power_measurement_types: ['ELECTRIC.POWER.3_PHASE_SYMMETRIC'],
};
const reconnect = { message_type: 'SessionRequest', message_id: 'sr-1', request: 'RECONNECT' };

describe('openS2Session', () => {
  it('opens with the bearer token and per-message deflate, and sends S2 JSON text', async () => {
    const tiny = await start();
    const s2 = await open(tiny.url);
    expect(s2.isOpen).toBe(true);
    expect(tiny.headers).toEqual([
      { authorization: `Bearer ${TOKEN}`, extensions: expect.stringContaining('permessage-deflate') },
    ]);
    expect(s2.send(rmd)).toBe(true);
    expect(s2.sendRaw('{"not":"s2"}')).toBe(true);
    while (tiny.received.length < 2) await sleep(5);
    expect(tiny.received).toEqual([rmd, { not: 's2' }]);
  });

  it('yields every message from the moment it opened, and ends when the server closes', async () => {
    const tiny = await start();
    tiny.greeting = [JSON.stringify(reconnect), 'not json', '[1]', '{"message_id":"x"}', JSON.stringify(rmd)];
    const s2 = await open(tiny.url);
    const closeEvent = new Promise<[number, string]>((resolve) => s2.once('close', (...args) => resolve(args)));

    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const message of s2.messages()) {
        seen.push(message);
        if (seen.length === 2) tiny.sockets[0]?.close(4000, 'bye');
      }
    })();
    await reading;
    expect(seen).toEqual([reconnect, rmd]);
    expect(await s2.closed).toEqual({ code: 4000, reason: 'bye' });
    expect(await closeEvent).toEqual([4000, 'bye']);
    expect(s2.isOpen).toBe(false);
    expect(s2.send(rmd)).toBe(false);
  });

  it('reports frames that are not S2 messages on the invalid event', async () => {
    const tiny = await start();
    const s2 = await open(tiny.url);
    const invalid: [string, string][] = [];
    s2.on('invalid', (problem, text) => invalid.push([problem, text]));
    const socket = tiny.sockets[0];
    socket?.send('not json');
    socket?.send('"text"');
    socket?.send('{"message_id":"x"}');
    socket?.send(Buffer.from('{}'), { binary: true });
    socket?.send('x'.repeat(1_000));
    while (invalid.length < 5) await sleep(5);
    expect(invalid.map(([problem]) => problem)).toEqual([
      'not JSON',
      'not a JSON object',
      'no string message_type',
      'a binary frame; S2 JSON is sent as text',
      'not JSON',
    ]);
    expect(invalid[4]?.[1]).toHaveLength(200);
  });

  it('closes with 1000 on close()', async () => {
    const tiny = await start();
    const s2 = await open(tiny.url);
    const serverSaw = new Promise<number>((resolve) => tiny.sockets[0]?.once('close', resolve));
    expect(await s2.close()).toEqual({ code: 1000, reason: '' });
    expect(await serverSaw).toBe(1000);
    expect(await s2.close()).toEqual({ code: 1000, reason: '' });
  });

  it('has one reader and says so when the buffer overflowed', async () => {
    const tiny = await start();
    tiny.greeting = [JSON.stringify(rmd), JSON.stringify(rmd), JSON.stringify(rmd)];
    const s2 = await open(tiny.url, { maxBufferedMessages: 2 });
    let count = 0;
    s2.on('message', () => (count += 1));
    while (count < 1) await sleep(5);
    await sleep(20);
    const reader = s2.messages();
    const error = await failure(reader.next());
    expect(error.code).toBe('BUFFER_OVERFLOW');
    await expect(s2.messages().next()).rejects.toMatchObject({ code: 'ALREADY_ITERATED' });
  });

  it('rejects with the HTTP status when the upgrade is refused, without the token', async () => {
    const tiny = await start();
    const error = await failure(
      openS2Session({ websocketUrl: tiny.url, websocketToken: 'd3Jvbmcgd3Jvbmcgd3Jvbmc=', perMessageDeflate: true }),
    );
    expect(error).toMatchObject({ code: 'UPGRADE_REJECTED', status: 401 });
    expect(error.message).toBe('the server refused the WebSocket: HTTP 401');
    expect(JSON.stringify(error) + error.message).not.toContain('d3Jvbmcg');
    expect(tiny.sockets).toHaveLength(0);
  });

  it('rejects bad input, an absent server and a server that never answers', async () => {
    expect((await failure(openS2Session({ websocketUrl: 'https://h/ws', websocketToken: TOKEN }))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await failure(openS2Session({ websocketUrl: 'ws://127.0.0.1:1/ws', websocketToken: '' }))).code).toBe(
      'INVALID_INPUT',
    );
    const tiny = await start();
    const url = tiny.url;
    await tiny.close();
    server = undefined;
    const unreachable = await failure(openS2Session({ websocketUrl: url, websocketToken: TOKEN }));
    expect(unreachable.code).toBe('UNREACHABLE');
    expect(unreachable.message).toContain('ECONNREFUSED');

    // Takes the TCP connection and never answers the upgrade.
    silent = createServer((socket) => silentSockets.push(socket));
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const timeout = await failure(
      openS2Session({ websocketUrl: `ws://127.0.0.1:${port}/ws`, websocketToken: TOKEN, handshakeTimeoutMs: 50 }),
    );
    expect(timeout.code).toBe('TIMEOUT');
  });

  it('gives up on a server that stays silent', async () => {
    const tiny = await start({ autoPong: false });
    const s2 = await open(tiny.url, { pingIntervalMs: 20, idleTimeoutMs: 80 });
    expect(await s2.closed).toEqual({ code: 1006, reason: 'nothing from the server for 80 ms' });
  });
});
