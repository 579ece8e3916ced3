// The baseline the broker's routing is compared with: the least a replicated relay must do to carry
// RM sessions to their tenant's CEM socket over Redis. Raw ws and ioredis, one pub/sub channel per
// replica, a registry of who holds which socket; no validation, no acks, no session state, no
// authentication. Keep it that way: every feature added here hides the cost the benchmark measures.
//
//   node dist/bench/route/baseline-relay.js --port P --replica NAME --redis URL
//
// RMs connect to /s2/v1/ws?rm=<id>&tenant=<t>, CEM software to /cem/v1/ws?tenant=<t>. Prints one JSON
// line `{"ready":true,...}` once it listens and has subscribed, and its counters when it stops.
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import { CachedHash, RELAY_KEYS } from './relay-registry.js';
import { PER_MESSAGE_DEFLATE } from '#gateway';

const USAGE = 'usage: node dist/bench/route/baseline-relay.js --port P --replica NAME --redis URL';

function settings(): { port: number; replica: string; redisUrl: string } {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, replica: { type: 'string' }, redis: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error('--port must be a TCP port');
  if (!values.replica || !/^[\w-]{1,64}$/.test(values.replica)) throw new Error('--replica must be a short name');
  if (!values.redis) throw new Error('--redis is required');
  return { port, replica: values.replica, redisUrl: values.redis };
}

let config: ReturnType<typeof settings>;
try {
  config = settings();
} catch (error) {
  process.stderr.write(`baseline-relay: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}
const { port, replica, redisUrl } = config;

const redisOptions = { maxRetriesPerRequest: 2, connectTimeout: 5_000 };
const redis = new Redis(redisUrl, { ...redisOptions, connectionName: `bench-relay:${replica}` });
const subscriber = new Redis(redisUrl, { ...redisOptions, connectionName: `bench-relay:${replica}:inbox` });
redis.on('error', () => undefined);
subscriber.on('error', () => undefined);
const rmReplicas = new CachedHash(redis, RELAY_KEYS.rms);
const tenantReplicas = new CachedHash(redis, RELAY_KEYS.tenants);

// Same options as the broker's gateway (apps/gateway/src/upgrade.listener.ts): both pay the same for
// compression contexts and frame limits.
const wss = new WebSocketServer({
  noServer: true,
  maxPayload: 64 * 1024,
  clientTracking: false,
  perMessageDeflate: PER_MESSAGE_DEFLATE,
});

const rmSockets = new Map<string, WebSocket>();
/** A tenant's CEM sockets here; messages go to the first, which keeps each RM's order. */
const cemSockets = new Map<string, WebSocket[]>();
const counters = { fromRms: 0, fromCems: 0, published: 0, delivered: 0, dropped: 0 };

// On the channel: 'c' tenant '\n' CEM frame, or 'r' rmNodeId '\n' S2 message. No JSON around it, so
// the receiving replica writes the text as it comes.
function deliver(payload: string): void {
  const newline = payload.indexOf('\n');
  const key = payload.slice(1, newline);
  const body = payload.slice(newline + 1);
  const socket = payload[0] === 'c' ? cemSockets.get(key)?.[0] : rmSockets.get(key);
  if (socket === undefined) {
    counters.dropped++;
    return;
  }
  socket.send(body);
  counters.delivered++;
}

function route(target: string | undefined, payload: string): void {
  if (target === undefined) counters.dropped++;
  else if (target === replica) deliver(payload);
  else {
    counters.published++;
    redis.publish(RELAY_KEYS.inbox(target), payload).catch(() => counters.dropped++);
  }
}

function send(registry: CachedHash, field: string, payload: string): void {
  const target = registry.lookup(field, Date.now());
  if (target instanceof Promise) void target.then((found) => route(found, payload));
  else route(target, payload);
}

function openRm(ws: WebSocket, rmNodeId: string, tenant: string): void {
  rmSockets.get(rmNodeId)?.terminate();
  rmSockets.set(rmNodeId, ws);
  void redis.hset(RELAY_KEYS.rms, rmNodeId, replica).catch(() => undefined);
  rmReplicas.forget(rmNodeId);
  // The RM's text is spliced in unparsed: no validation is the point of the baseline.
  const prefix = `c${tenant}\n{"type":"message","rmNodeId":${JSON.stringify(rmNodeId)},"message":`;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    counters.fromRms++;
    send(tenantReplicas, tenant, `${prefix}${data.toString()}}`);
  });
  ws.once('close', () => {
    if (rmSockets.get(rmNodeId) !== ws) return;
    rmSockets.delete(rmNodeId);
    void redis.hdel(RELAY_KEYS.rms, rmNodeId).catch(() => undefined);
  });
}

function openCem(ws: WebSocket, tenant: string): void {
  const sockets = cemSockets.get(tenant) ?? [];
  sockets.push(ws);
  cemSockets.set(tenant, sockets);
  void redis.hset(RELAY_KEYS.tenants, tenant, replica).catch(() => undefined);
  tenantReplicas.forget(tenant);
  ws.on('message', (data) => {
    counters.fromCems++;
    const frame = cemFrame(data.toString());
    if (frame === undefined) counters.dropped++;
    else send(rmReplicas, frame.rmNodeId, `r${frame.rmNodeId}\n${JSON.stringify(frame.message)}`);
  });
  ws.once('close', () => {
    const left = (cemSockets.get(tenant) ?? []).filter((s) => s !== ws);
    if (left.length > 0) {
      cemSockets.set(tenant, left);
    } else {
      cemSockets.delete(tenant);
      void redis.hdel(RELAY_KEYS.tenants, tenant).catch(() => undefined);
    }
  });
}

/** The envelope has to be read to find the RM; the S2 message inside is not looked at. */
function cemFrame(text: string): { rmNodeId: string; message: object } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, rmNodeId, message } = value as Record<string, unknown>;
  if (type !== 'message' || typeof rmNodeId !== 'string' || rmNodeId.includes('\n')) return undefined;
  if (typeof message !== 'object' || message === null) return undefined;
  return { rmNodeId, message };
}

function refuse(socket: Duplex, status: 400 | 404): void {
  socket.end(`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
}

const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  socket.on('error', () => socket.destroy());
  const url = new URL(req.url ?? '/', 'http://relay');
  const tenant = url.searchParams.get('tenant');
  const rm = url.searchParams.get('rm');
  const valid = (id: string | null): id is string => id !== null && id !== '' && !id.includes('\n');
  if (url.pathname === '/s2/v1/ws') {
    if (!valid(rm) || !valid(tenant)) return refuse(socket, 400);
    wss.handleUpgrade(req, socket, head, (ws) => openRm(ws, rm, tenant));
  } else if (url.pathname === '/cem/v1/ws') {
    if (!valid(tenant)) return refuse(socket, 400);
    wss.handleUpgrade(req, socket, head, (ws) => openCem(ws, tenant));
  } else {
    refuse(socket, 404);
  }
});

subscriber.on('message', (_channel: string, payload: string) => deliver(payload));

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 3_000).unref();
  process.stdout.write(`${JSON.stringify({ stopped: true, replica, ...counters })}\n`);
  server.close();
  for (const ws of rmSockets.values()) ws.terminate();
  for (const sockets of cemSockets.values()) for (const ws of sockets) ws.terminate();
  // Let the close handlers' HDELs go out before quitting.
  setImmediate(() => {
    void Promise.allSettled([redis.quit(), subscriber.quit()]).then(() => process.exit(0));
  });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by the bench driver with an IPC channel: its end means the driver is gone.
if (process.send !== undefined) process.on('disconnect', stop);

async function start(): Promise<void> {
  await subscriber.subscribe(RELAY_KEYS.inbox(replica));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  process.stdout.write(`${JSON.stringify({ ready: true, replica, port, pid: process.pid })}\n`);
}

start().catch((error: unknown) => {
  process.stderr.write(`baseline-relay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
