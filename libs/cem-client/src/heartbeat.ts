// Keeps a client socket honest: pings so the broker (and any proxy between) sees traffic, and gives up
// on a peer that sent nothing for a while, since a half-open TCP connection never reports a close.
import type WebSocket from 'ws';

export interface HeartbeatOptions {
  /** ms between pings; 0 sends none. */
  readonly pingIntervalMs: number;
  /** ms without any frame, ping or pong from the peer before `onIdle`; 0 never. */
  readonly idleTimeoutMs: number;
}

/** Starts on an open socket; returns the function that stops it (call it on close). */
export function startHeartbeat(socket: WebSocket, options: HeartbeatOptions, onIdle: () => void): () => void {
  const pinger =
    options.pingIntervalMs > 0
      ? setInterval(() => {
          if (socket.readyState === socket.OPEN) socket.ping();
        }, options.pingIntervalMs)
      : undefined;
  const idle = options.idleTimeoutMs > 0 ? setTimeout(onIdle, options.idleTimeoutMs) : undefined;
  const touch = () => idle?.refresh();
  socket.on('message', touch);
  socket.on('ping', touch);
  socket.on('pong', touch);
  return () => {
    clearInterval(pinger);
    clearTimeout(idle);
    socket.off('message', touch);
    socket.off('ping', touch);
    socket.off('pong', touch);
  };
}
