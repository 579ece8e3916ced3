import type { Ack } from '#cluster';
import { DELIVERY_TIMEOUT_MS } from '../limits.js';

export type Outcome = Ack['outcome'];
/**
 * Told a message's outcome, with the values given to `track` (a closure per message costs more):
 * `kept` is the message text, kept only while it may still be needed (the CEM hold, an observer), and
 * `seq` the sender's own number for it, `id` the one `track` gave it.
 */
type Settle<A = undefined, B = undefined> = (
  outcome: Outcome,
  reply: string | undefined,
  a: A,
  b: B,
  kept: string | undefined,
  seq: number,
  id: number,
) => void;

/**
 * How many times a sender asks the other replica what became of a message whose acknowledgement did
 * not come, DELIVERY_TIMEOUT_MS apart, before it answers TEMPORARY_ERROR: an acknowledgement lost in a
 * Redis blip of up to this many periods does not turn a delivered message into a TEMPORARY_ERROR.
 */
export const OUTCOME_QUERIES = 4;
/** How long a replica remembers what it delivered, at least: longer than a sender asks. */
export const REMEMBER_DELIVERED_MS = DELIVERY_TIMEOUT_MS * (OUTCOME_QUERIES + 1);
const SWEEP_MS = 100;

interface Waiting {
  readonly id: number;
  readonly replica: string;
  readonly settle: Settle<unknown, unknown>;
  readonly a: unknown;
  readonly b: unknown;
  readonly kept: string | undefined;
  readonly seq: number;
  deadline: number;
  queries: number;
}

const FIRST_SLOTS = 1_024;

/**
 * Messages this replica sent to others, until each has its outcome. The other replica acknowledges
 * each message; when an acknowledgement is late, the sender asks (`ask`) rather than guess, until the
 * other replica answers, is known dead, or OUTCOME_QUERIES went unanswered. One sweep for all of them
 * instead of a timer per message.
 *
 * Ids are numbered one by one, so a message waits in the slot its id names in a ring, emptied when it
 * settles. A Map churned thousands of times a second kept replacing its table, and each table left
 * behind in the old generation still pointed at the messages it held: the scavenger, which cannot tell
 * a dead old object from a live one, kept those messages and everything they held alive, promoting
 * them into the old generation until the next full collection.
 */
export class PendingOutcomes {
  /** `slots[id % slots.length]` for ids from `oldest` to `nextId`; the length is a power of two. */
  private slots: (Waiting | undefined)[] = new Array<Waiting | undefined>(FIRST_SLOTS).fill(undefined);
  /** No message older than this waits. */
  private oldest = 1;
  private nextId = 1;
  private count = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly ask: (replica: string, ids: number[]) => void,
    private readonly isAlive: (replica: string) => Promise<boolean>,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.count;
  }

  track(replica: string, settle: Settle): number;
  track<A, B>(replica: string, settle: Settle<A, B>, a: A, b: B, kept?: string, seq?: number): number;
  track<A, B>(replica: string, settle: Settle<A, B>, a?: A, b?: B, kept?: string, seq = 0): number {
    const id = this.nextId;
    if (id - this.oldest >= this.slots.length) this.grow();
    this.nextId++;
    this.slots[id % this.slots.length] = {
      id,
      replica,
      settle: settle as Settle<unknown, unknown>,
      a,
      b,
      kept,
      seq,
      deadline: this.now() + DELIVERY_TIMEOUT_MS,
      queries: 0,
    };
    this.count++;
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweeper.unref();
    }
    return id;
  }

  /** The other replica's answer; a second answer for the same message is ignored. */
  settle(id: number, outcome: Outcome, reply?: string): void {
    const waiting = this.take(id);
    if (waiting !== undefined) waiting.settle(outcome, reply, waiting.a, waiting.b, waiting.kept, waiting.seq, id);
  }

  sweep(): void {
    const now = this.now();
    const asked = new Map<string, number[]>();
    for (let id = this.oldest; id < this.nextId; id++) {
      const waiting = this.slots[id % this.slots.length];
      if (waiting === undefined || waiting.deadline > now) continue;
      if (waiting.queries >= OUTCOME_QUERIES) {
        this.take(id);
        waiting.settle('gone', undefined, waiting.a, waiting.b, waiting.kept, waiting.seq, id);
        continue;
      }
      waiting.queries++;
      waiting.deadline = now + DELIVERY_TIMEOUT_MS;
      const ids = asked.get(waiting.replica) ?? [];
      ids.push(id);
      asked.set(waiting.replica, ids);
    }
    for (const [replica, ids] of asked) {
      this.ask(replica, ids);
      // A dead replica answers nothing: its messages end at once. When Redis cannot tell, ask again.
      this.isAlive(replica).then(
        (alive) => {
          if (!alive) for (const id of ids) this.settle(id, 'gone');
        },
        () => undefined,
      );
    }
    if (this.count === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** The message waiting under `id`, no longer waiting; undefined when it already settled. */
  private take(id: number): Waiting | undefined {
    if (id < this.oldest || id >= this.nextId) return undefined;
    const length = this.slots.length;
    const waiting = this.slots[id % length];
    if (waiting?.id !== id) return undefined;
    this.slots[id % length] = undefined;
    this.count--;
    while (this.oldest < this.nextId && this.slots[this.oldest % length] === undefined) this.oldest++;
    return waiting;
  }

  /** Twice the slots: more messages wait than fit, or one waits behind that many newer ones. */
  private grow(): void {
    const slots = new Array<Waiting | undefined>(this.slots.length * 2).fill(undefined);
    for (let id = this.oldest; id < this.nextId; id++) slots[id % slots.length] = this.slots[id % this.slots.length];
    this.slots = slots;
  }
}

/**
 * What this replica wrote to a socket for other replicas' messages, for REMEMBER_DELIVERED_MS at least:
 * to answer a sender that asks, and to write a message Redis carried twice only once.
 */
export class RecentDeliveries {
  private current = new Map<string, IdSet>();
  private previous = new Map<string, IdSet>();
  private rotatedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.rotatedAt = now();
  }

  add(from: string, id: number): void {
    this.rotate();
    let ids = this.current.get(from);
    if (ids === undefined) {
      ids = new IdSet();
      this.current.set(from, ids);
    }
    ids.add(id);
  }

  has(from: string, id: number): boolean {
    this.rotate();
    return this.current.get(from)?.has(id) === true || this.previous.get(from)?.has(id) === true;
  }

  /** Forgets a message: one written to a socket that then closed before it reached the peer. */
  delete(from: string, id: number): void {
    this.current.get(from)?.delete(id);
    this.previous.get(from)?.delete(id);
  }

  private rotate(): void {
    const now = this.now();
    if (now - this.rotatedAt < REMEMBER_DELIVERED_MS) return;
    this.previous = now - this.rotatedAt < 2 * REMEMBER_DELIVERED_MS ? this.current : new Map();
    this.current = new Map();
    this.rotatedAt = now;
  }
}

/** Ids this far or further beyond the first are kept in the fallback set, not the bitmap (64 MiB). */
const MAX_SPAN = 32 * (1 << 24);

/**
 * Ids of one sender, which numbers what it sends one by one: a bitmap from the first id seen, a bit a
 * message instead of a hash-set entry, so that remembering some 15 seconds of traffic costs kilobytes
 * and gives the garbage collector nothing to trace. Ids below the first, or far beyond, go in a set.
 */
export class IdSet {
  private base = -1;
  private words = new Uint32Array(256);
  private readonly others = new Set<number>();

  add(id: number): void {
    if (this.base < 0) this.base = id;
    const index = id - this.base;
    if (!(index >= 0 && index < MAX_SPAN)) {
      this.others.add(id);
      return;
    }
    const word = index >>> 5;
    if (word >= this.words.length) {
      const grown = new Uint32Array(Math.min(MAX_SPAN / 32, Math.max(word + 1, this.words.length * 2)));
      grown.set(this.words);
      this.words = grown;
    }
    this.words[word] = (this.words[word] as number) | (1 << (index & 31));
  }

  delete(id: number): void {
    const index = id - this.base;
    if (this.base < 0 || !(index >= 0 && index < MAX_SPAN)) {
      this.others.delete(id);
      return;
    }
    const word = index >>> 5;
    if (word < this.words.length) this.words[word] = (this.words[word] as number) & ~(1 << (index & 31));
  }

  has(id: number): boolean {
    const index = id - this.base;
    if (this.base < 0 || !(index >= 0 && index < MAX_SPAN)) return this.others.has(id);
    const word = index >>> 5;
    return word < this.words.length && ((this.words[word] as number) & (1 << (index & 31))) !== 0;
  }
}

/**
 * The last message from another replica written for one RM, per direction: the sender's id for it and,
 * where the sender numbers the session's messages (`seq`, 0 from a replica of an older version), that.
 */
export interface LastWritten {
  from: string;
  id: number;
  seq: number;
}

/** Records a message as the last written: in place, one object per RM and direction for its life. */
export function written(last: LastWritten | undefined, from: string, id: number, seq = 0): LastWritten {
  if (last === undefined) return { from, id, seq };
  // The sender's name parsed out of each envelope is a fresh string: the one held is kept while it
  // matches, so that a message costs no string the collector has to promote.
  if (last.from !== from) last.from = from;
  last.id = id;
  last.seq = seq;
  return last;
}

/**
 * Whether a message from `from` may still be written after `last`. A sender numbers its messages in
 * the order it sends them; one that arrives after a later one was written was overtaken (Redis resent
 * it after a reconnection) and is not written, so that per-RM order holds: it ends as TEMPORARY_ERROR.
 * A message sent again (back from the CEM hold after its outcome was lost) has a new id but keeps its
 * number in the session, `seq`: where both carry one, that decides.
 */
export function inOrder(last: LastWritten | undefined, from: string, id: number, seq = 0): boolean {
  if (last === undefined) return true;
  if (seq > 0 && last.seq > 0) return seq > last.seq;
  return last.from !== from || id > last.id;
}
