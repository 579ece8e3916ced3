import type { WebSocket } from 'ws';
import { CLOSE, IDLE_TIMEOUT_MS, MAX_BUFFERED_BYTES, PING_INTERVAL_MS } from './limits.js';

const lastSeen = new WeakMap<WebSocket, number>();

/** Writes a frame unless the peer stopped reading; such a peer is closed, as the contract says. */
export function write(socket: WebSocket, frame: string): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    socket.close(CLOSE.tryAgainLater, 'too slow: outbound buffer full');
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
 * Pings every socket every 30 s and drops one silent for 75 s. One sweep for all sockets instead of
 * two timers per socket keeps tens of thousands of idle sessions cheap.
 */
export class Keepalive {
  private readonly sockets = new Set<WebSocket>();
  private timer?: NodeJS.Timeout;

  add(socket: WebSocket): void {
    markSeen(socket);
    socket.on('pong', onPong);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  start(): void {
    let lastPing = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      const ping = now - lastPing >= PING_INTERVAL_MS;
      if (ping) lastPing = now;
      for (const socket of this.sockets) {
        if (now - (lastSeen.get(socket) ?? now) > IDLE_TIMEOUT_MS) socket.terminate();
        else if (ping && socket.readyState === socket.OPEN) socket.ping();
      }
    }, 5_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
