import type { CemHoldSettings } from '#config';
import type { LocalRm } from './local-hub.js';

/** An RM message waiting for a CEM channel: only while the tenant has none that can take it. */
export interface HeldMessage {
  readonly text: string;
  readonly messageId: string | undefined;
  /** When it arrived from the RM (or came back from a channel): the hold counts from then. */
  readonly at: number;
  /** Its number among the RM's messages sent to a channel, for one that came back; 0 if never sent. */
  readonly seq: number;
  /** For one that came back from another replica: the id it went under there (0 if none). */
  readonly was: number;
}

/** One session's held messages, oldest first. */
export interface HeldQueue {
  items: HeldMessage[];
  bytes: number;
  /** How many of the first items came back from a channel that went away (older than those held since). */
  returned: number;
  /**
   * The channel they came back from: they go again when the session is bound elsewhere, and to the same
   * channel only at the next sweep (a channel whose replica just missed them may take them after all).
   */
  failedOn: string;
}

const SWEEP_MS = 250;

const emptyQueue = (): HeldQueue => ({ items: [], bytes: 0, returned: 0, failedOn: '' });

/**
 * The CEM hold: while no CEM channel of its tenant can take an RM's messages (none connected, the bound
 * one went away, its replica died), they wait here in order, for up to `ms`, and go to the first channel
 * that takes the session; only after the hold, or past a bound, does the RM get TEMPORARY_ERROR. Bounds
 * are per session and per replica, in messages and in bytes (UTF-16 code units of the JSON text, near
 * enough to its bytes for a bound). A session whose messages wait sends every new one behind them, and
 * flushes only once nothing it sent earlier is still on its way, so that per-RM order holds.
 */
export class CemHold {
  private readonly holding = new Set<LocalRm>();
  private messages = 0;
  private bytes = 0;
  private sweeper?: NodeJS.Timeout;
  /** Messages that left the hold for a channel, that timed out or found no room, and that ended with their session. */
  released = 0;
  expired = 0;
  dropped = 0;

  constructor(
    private readonly settings: CemHoldSettings,
    /** The hold is over for a message (timed out, or no room): TEMPORARY_ERROR to its RM. */
    private readonly expire: (rm: LocalRm, message: HeldMessage) => void,
    /** The session has a channel again: route the message as if it had just arrived. */
    private readonly send: (rm: LocalRm, message: HeldMessage) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.settings.ms > 0;
  }

  /** Messages held on this replica. */
  get size(): number {
    return this.messages;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  /** Whether the RM's next message must wait behind held ones. */
  waits(rm: LocalRm): boolean {
    return rm.held !== undefined && rm.held.items.length > 0;
  }

  /** A message that no channel can take now, behind those already held. */
  hold(rm: LocalRm, message: HeldMessage): void {
    if (!this.admit(rm, message)) return this.giveUp(rm, message);
    const queue = (rm.held ??= emptyQueue());
    queue.items.push(message);
    this.added(rm, queue, message);
  }

  /**
   * A message sent to a channel that went away before taking it: it goes before every message held since
   * (those arrived after it); such returns come back in the order they were sent.
   */
  returned(rm: LocalRm, message: HeldMessage, channelId: string): void {
    if (!this.admit(rm, message)) return this.giveUp(rm, message);
    const queue = (rm.held ??= emptyQueue());
    queue.items.splice(queue.returned++, 0, message);
    queue.failedOn = channelId;
    this.added(rm, queue, message);
  }

  /**
   * Sends what waits, in order, once the session is bound and nothing it sent is still on its way; to the
   * channel they came back from only when `retry` (the sweep).
   */
  flush(rm: LocalRm, retry = false): void {
    const queue = rm.held;
    if (queue === undefined || queue.items.length === 0 || rm.channelId === '' || rm.inFlight > 0) return;
    if (!retry && queue.failedOn === rm.channelId) return;
    const { items } = queue;
    this.release(rm, queue);
    this.released += items.length;
    // A message that cannot go is held again, and the ones after it wait behind it.
    for (const message of items) this.send(rm, message);
  }

  /** The session ended: what it held can no longer be sent, nor answered. Returns how many. */
  drop(rm: LocalRm): number {
    const queue = rm.held;
    if (queue === undefined) return 0;
    const dropped = queue.items.length;
    this.release(rm, queue);
    this.dropped += dropped;
    return dropped;
  }

  private giveUp(rm: LocalRm, message: HeldMessage): void {
    this.expired++;
    this.expire(rm, message);
  }

  private admit(rm: LocalRm, message: HeldMessage): boolean {
    const { settings } = this;
    const queue = rm.held;
    const size = message.text.length;
    return (
      this.enabled &&
      this.now() - message.at < settings.ms &&
      this.messages < settings.maxMessages &&
      this.bytes + size <= settings.maxBytes &&
      (queue?.items.length ?? 0) < settings.maxMessagesPerSession &&
      (queue?.bytes ?? 0) + size <= settings.maxBytesPerSession
    );
  }

  private added(rm: LocalRm, queue: HeldQueue, message: HeldMessage): void {
    queue.bytes += message.text.length;
    this.messages++;
    this.bytes += message.text.length;
    this.holding.add(rm);
    if (this.sweeper === undefined) {
      this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweeper.unref();
    }
  }

  private release(rm: LocalRm, queue: HeldQueue): void {
    this.messages -= queue.items.length;
    this.bytes -= queue.bytes;
    rm.held = undefined;
    this.holding.delete(rm);
  }

  /** Messages whose hold ran out, oldest first; and a retry for sessions that could go now. */
  private sweep(): void {
    const now = this.now();
    for (const rm of [...this.holding]) {
      const queue = rm.held as HeldQueue;
      let expired = 0;
      while (expired < queue.items.length && now - (queue.items[expired] as HeldMessage).at >= this.settings.ms) {
        expired++;
      }
      if (expired > 0) {
        const gone = queue.items.splice(0, expired);
        queue.returned = Math.max(0, queue.returned - expired);
        for (const message of gone) {
          queue.bytes -= message.text.length;
          this.bytes -= message.text.length;
          this.messages--;
        }
        if (queue.items.length === 0) this.release(rm, queue);
        for (const message of gone) this.giveUp(rm, message);
      }
      this.flush(rm, true);
    }
    if (this.holding.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
