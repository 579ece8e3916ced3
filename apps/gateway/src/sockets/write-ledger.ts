import type { WebSocket } from 'ws';

/**
 * Told, once, whether a tracked frame reached the operating system (`ok`) or was lost with its socket,
 * with the values given when it was written (a closure per message would cost more).
 */
export type Written<A = unknown, B = unknown, C = unknown> = (ok: boolean, a: A, b: B, c: C, n: number) => void;

const LEDGER = Symbol('writeLedger');
type WithLedger = WebSocket & { [LEDGER]?: WriteLedger };

/**
 * The messages written to one socket that have not reached the operating system yet, in the order
 * written. `ws` calls a send's callback once its bytes are handed to the kernel, and in the order the
 * sends were made (with an error for those still queued when the socket closes): so each callback
 * settles the oldest entry. A message counts as delivered only then; whatever is still queued when the
 * socket goes is answered to its sender. Parallel arrays in a ring, not an object per message.
 */
export class WriteLedger {
  private settles: (Written | undefined)[] = new Array<Written | undefined>(8).fill(undefined);
  private as: unknown[] = new Array<unknown>(8).fill(undefined);
  private bs: unknown[] = new Array<unknown>(8).fill(undefined);
  private cs: unknown[] = new Array<unknown>(8).fill(undefined);
  private ns: number[] = new Array<number>(8).fill(0);
  private ats: number[] = new Array<number>(8).fill(0);
  private head = 0;
  private count = 0;
  private closed = false;

  /** The one callback for every send on this socket. */
  readonly onWritten = (error?: Error | null): void => {
    if (this.count === 0) return;
    this.settleHead(error === undefined || error === null);
  };

  constructor(socket: WebSocket) {
    // Whatever the callbacks have not settled by the time the socket is gone never reached the peer.
    socket.once('close', () => this.failAll());
  }

  get size(): number {
    return this.count;
  }

  /** When the oldest unsettled message was written, or undefined when none waits. */
  get oldestAt(): number | undefined {
    return this.count === 0 ? undefined : this.ats[this.head];
  }

  push<A, B, C>(settle: Written<A, B, C>, a: A, b: B, c: C, n: number, at: number): void {
    if (this.closed) {
      settle(false, a, b, c, n);
      return;
    }
    if (this.count === this.settles.length) this.grow();
    const slot = (this.head + this.count) % this.settles.length;
    this.settles[slot] = settle as Written;
    this.as[slot] = a;
    this.bs[slot] = b;
    this.cs[slot] = c;
    this.ns[slot] = n;
    this.ats[slot] = at;
    this.count++;
  }

  private settleHead(ok: boolean): void {
    const slot = this.head;
    const settle = this.settles[slot] as Written;
    const a = this.as[slot];
    const b = this.bs[slot];
    const c = this.cs[slot];
    const n = this.ns[slot] as number;
    this.settles[slot] = undefined;
    this.as[slot] = undefined;
    this.bs[slot] = undefined;
    this.cs[slot] = undefined;
    this.head = (this.head + 1) % this.settles.length;
    this.count--;
    settle(ok, a, b, c, n);
  }

  private failAll(): void {
    this.closed = true;
    while (this.count > 0) this.settleHead(false);
  }

  private grow(): void {
    const length = this.settles.length * 2;
    const reorder = <T>(from: T[], fill: T): T[] => {
      const to = new Array<T>(length).fill(fill);
      for (let i = 0; i < this.count; i++) to[i] = from[(this.head + i) % from.length] as T;
      return to;
    };
    this.settles = reorder(this.settles, undefined);
    this.as = reorder(this.as, undefined);
    this.bs = reorder(this.bs, undefined);
    this.cs = reorder(this.cs, undefined);
    this.ns = reorder(this.ns, 0);
    this.ats = reorder(this.ats, 0);
    this.head = 0;
  }
}

/** The socket's ledger, made on its first tracked write (most RM sockets are written to rarely). */
export function ledgerOf(socket: WebSocket): WriteLedger {
  const holder = socket as WithLedger;
  return (holder[LEDGER] ??= new WriteLedger(socket));
}

/** The socket's ledger if it has one. */
export function existingLedger(socket: WebSocket): WriteLedger | undefined {
  return (socket as WithLedger)[LEDGER];
}
