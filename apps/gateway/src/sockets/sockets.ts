import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CLOSE, MAX_BUFFERED_BYTES, MAX_UNFLUSHED_MS, SLOW_CLOSE_GRACE_MS } from '../limits.js';
import { existingLedger, ledgerOf, type Written } from './write-ledger.js';

/** When a socket was last heard from: a property of its own, cheaper per frame than a WeakMap entry. */
const SEEN = Symbol('lastSeen');
type Seen = WebSocket & { [SEEN]?: number };

/** What a socket held when it was closed as slow: kept for the log line when it is gone. */
export interface SlowClose {
  bufferedBytes: number;
  /** Messages written to it that had not reached the kernel: their senders are answered. */
  unwritten: number;
}
const SLOW = Symbol('slowClose');
type Slow = WebSocket & { [SLOW]?: SlowClose };

/** Whether the broker closed this socket as slow (1013), and what it held then. */
export function slowCloseOf(socket: WebSocket): SlowClose | undefined {
  return (socket as Slow)[SLOW];
}

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

/**
 * Closes a peer that does not read (1013). Its close frame waits behind what it has not read: a peer
 * that resumes within SLOW_CLOSE_GRACE_MS reads its messages and then the close; one that does not is
 * cut off, and what it never got is answered to the senders (see WriteLedger).
 */
function closeAsSlow(socket: WebSocket): void {
  const slow = socket as Slow;
  if (slow[SLOW] === undefined) {
    slow[SLOW] = { bufferedBytes: socket.bufferedAmount, unwritten: existingLedger(socket)?.size ?? 0 };
  }
  socket.close(CLOSE.tryAgainLater, 'too slow: outbound buffer full');
  setTimeout(() => socket.terminate(), SLOW_CLOSE_GRACE_MS).unref();
}

/**
 * Whether the frame may go out: the socket is open and has room for it. A frame that would take the
 * outbound buffer past MAX_BUFFERED_BYTES is refused rather than buffered and lost later, and the
 * socket is closed as slow.
 */
function hasRoom(socket: WebSocket, frame: string): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (socket.bufferedAmount + frame.length > MAX_BUFFERED_BYTES) {
    closeAsSlow(socket);
    return false;
  }
  return true;
}

/** Writes a frame (a reply, a lifecycle frame) unless the peer stopped reading. */
export function write(socket: WebSocket, frame: string): boolean {
  if (!hasRoom(socket, frame)) return false;
  socket.send(frame);
  return true;
}

/**
 * Writes a message whose outcome its sender awaits: `settle` is told once whether it reached the
 * operating system. false: refused now, nothing will be told (the caller answers the sender).
 */
export function writeTracked<A, B, C>(
  socket: WebSocket,
  frame: string,
  gather: boolean,
  settle: Written<A, B, C>,
  a: A,
  b: B,
  c: C,
  n = 0,
): boolean {
  if (!hasRoom(socket, frame)) return false;
  if (gather) cork(socket);
  const ledger = ledgerOf(socket);
  ledger.push(settle, a, b, c, n, Date.now());
  socket.send(frame, ledger.onWritten);
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
  cork(socket);
  return write(socket, frame);
}

function cork(socket: WebSocket): void {
  const raw = (socket as Corkable)._socket;
  if (raw !== undefined && socket.readyState === socket.OPEN && !corked.includes(socket as Corkable)) {
    raw.cork();
    if (corked.push(socket as Corkable) === 1) queueMicrotask(uncorkAll);
  }
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

  /** Drops silent peers, and closes as slow those whose oldest unwritten message waited too long. */
  private dropSilent(now: number): void {
    for (const slot of this.slots) {
      for (const socket of slot) {
        if (socket.readyState === socket.CLOSED) slot.delete(socket);
        else if (now - ((socket as Seen)[SEEN] ?? now) > this.idleTimeoutMs) socket.terminate();
        else if (
          socket.readyState === socket.OPEN &&
          now - (existingLedger(socket)?.oldestAt ?? now) > MAX_UNFLUSHED_MS
        ) {
          closeAsSlow(socket);
        }
      }
    }
  }
}
