import type { WebSocket } from 'ws';
import { CLOSE, MAX_BUFFERED_BYTES } from './limits.js';

const lastSeen = new WeakMap<WebSocket, number>();

/** Writes a frame unless the peer stopped reading; such a peer is closed, as the contract says. */
export function write(socket: WebSocket, frame: string): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(CLOSE.tryAgainLater, 'too slow: outbound buffer full');
    // A peer that does not read will not read the close frame either: its session ends now, not when
    // ws gives up on the closing handshake half a minute later.
    setTimeout(() => socket.terminate(), 1_000).unref();
    return false;
  }
  socket.send(frame);
  return true;
}

export function markSeen(socket: WebSocket): void {
  lastSeen.set(socket, Date.now());
}

/** One listener function for every socket (ws calls it with the socket as `this`), not a closure each. */
function onPong(this: WebSocket): void {
  markSeen(this);
}

/**
 * Pings every socket every `pingIntervalMs` (30 s by default) and drops one silent for `idleTimeoutMs`
 * (75 s). One sweep for all sockets instead of two timers per socket keeps tens of thousands of idle
 * sessions cheap.
 */
export class Keepalive {
  private readonly sockets = new Set<WebSocket>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pingIntervalMs: number,
    private readonly idleTimeoutMs: number,
  ) {}

  add(socket: WebSocket): void {
    markSeen(socket);
    socket.on('pong', onPong);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  start(): void {
    let lastPing = Date.now();
    this.timer = setInterval(
      () => {
        const now = Date.now();
        const ping = now - lastPing >= this.pingIntervalMs;
        if (ping) lastPing = now;
        for (const socket of this.sockets) {
          if (now - (lastSeen.get(socket) ?? now) > this.idleTimeoutMs) socket.terminate();
          else if (ping && socket.readyState === socket.OPEN) socket.ping();
        }
      },
      Math.min(5_000, this.pingIntervalMs / 2),
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
