import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CLOSE, MAX_BUFFERED_BYTES } from '../limits.js';

/** When a socket was last heard from: a property of its own, cheaper per frame than a WeakMap entry. */
const SEEN = Symbol('lastSeen');
type Seen = WebSocket & { [SEEN]?: number };

/** How long a peer has to finish the closing handshake before its connection is cut. */
const CLOSE_HANDSHAKE_MS = 1_000;

/**
 * Closes a socket with a code, and cuts off a peer that does not finish the closing handshake: a peer
 * that does not read will not read the close frame either, and its session ends now, not when ws gives
 * up on the handshake half a minute later.
 */
export function closeSocket(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), CLOSE_HANDSHAKE_MS).unref();
}

/** Writes a frame unless the peer stopped reading; such a peer is closed, as the contract says. */
export function write(socket: WebSocket, frame: string): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    closeSocket(socket, CLOSE.tryAgainLater, 'too slow: outbound buffer full');
    return false;
  }
  socket.send(frame);
  return true;
}

/** ws keeps its TCP socket here; it has no cork of its own. */
type Corkable = WebSocket & { _socket?: Duplex };
let corked: Corkable[] = [];

function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) socket._socket?.uncork();
}

/**
 * Like `write`, for a socket that takes many frames at once (a CEM channel): the frames written in
 * this turn leave in one system call when it ends, instead of one call each. A CEM channel replica at
 * a few thousand messages a second spent a quarter of its time in those calls.
 */
export function writeGathered(socket: WebSocket, frame: string): boolean {
  const raw = (socket as Corkable)._socket;
  if (raw !== undefined && socket.readyState === socket.OPEN && !corked.includes(socket as Corkable)) {
    raw.cork();
    if (corked.push(socket as Corkable) === 1) queueMicrotask(uncorkAll);
  }
  return write(socket, frame);
}

export function markSeen(socket: WebSocket): void {
  (socket as Seen)[SEEN] = Date.now();
}

/** One listener function for every socket (ws calls it with the socket as `this`), not a closure each. */
function onPong(this: WebSocket): void {
  markSeen(this);
}

/** How often the keepalive looks at its sockets. */
const TICK_MS = 100;

/**
 * Pings every socket every `pingIntervalMs` (30 s by default) and drops one silent for `idleTimeoutMs`
 * (75 s). Sockets are spread over the ticks of one interval, so that pinging tens of thousands of idle
 * sessions is a few dozen pings every 100 ms, not one burst that stalls every message behind it (a
 * ping is a system call); one timer for all sockets instead of two per socket keeps them cheap.
 */
export class Keepalive {
  private readonly slots: Set<WebSocket>[];
  private added = 0;
  private ticks = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pingIntervalMs: number,
    private readonly idleTimeoutMs: number,
  ) {
    const count = Math.max(1, Math.round(pingIntervalMs / TICK_MS));
    this.slots = Array.from({ length: count }, () => new Set<WebSocket>());
  }

  add(socket: WebSocket): void {
    markSeen(socket);
    socket.on('pong', onPong);
    // Closed sockets leave their slot at the next check for silence, within a second.
    (this.slots[this.added++ % this.slots.length] as Set<WebSocket>).add(socket);
  }

  start(): void {
    const tickMs = this.pingIntervalMs / this.slots.length;
    // Silence is checked about once a second (or twice per ping interval, when that is shorter).
    const checkEvery = Math.max(1, Math.floor(Math.min(1_000, this.pingIntervalMs / 2) / tickMs));
    this.timer = setInterval(() => {
      const tick = this.ticks++;
      if (tick % checkEvery === 0) this.dropSilent(Date.now());
      for (const socket of this.slots[tick % this.slots.length] as Set<WebSocket>) {
        if (socket.readyState === socket.OPEN) socket.ping();
      }
    }, tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private dropSilent(now: number): void {
    for (const slot of this.slots) {
      for (const socket of slot) {
        if (socket.readyState === socket.CLOSED) slot.delete(socket);
        else if (now - ((socket as Seen)[SEEN] ?? now) > this.idleTimeoutMs) socket.terminate();
      }
    }
  }
}
