// The two measurements a load worker runs over its open sockets: saturation (closed loop, a fixed
// number of messages in flight) and a fixed send rate with the CEM answering every message.
import type { LoadState } from './load-state.js';
import type { Losses } from './protocol.js';

/** After the last send, how long stragglers may still arrive. */
const GRACE_MS = 3_000;
/** A message not seen for this long counts as lost and frees its place in the window. */
const LOST_AFTER_MS = 5_000;
/** Latency samples kept per direction per phase; the rest are counted, not stored. */
const MAX_SAMPLES = 2_000_000;
/** Messages waiting for their arrival; past this the rate phase stops sending, so memory stays bounded. */
const MAX_OUTSTANDING = 200_000;
const TICK_MS = 1;

/** The first part of a phase, excluded from figures: connections warm up, the JIT settles. */
export function warmupMs(seconds: number): number {
  return Math.min(1_000, seconds * 200);
}

class Samples {
  private values = new Float64Array(4_096);
  private count = 0;

  add(value: number): void {
    if (this.count === this.values.length) {
      if (this.count >= MAX_SAMPLES) return;
      const grown = new Float64Array(Math.min(MAX_SAMPLES, this.count * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }

  take(): Float64Array {
    return this.values.slice(0, this.count);
  }
}

/** Drops entries older than LOST_AFTER_MS from an insertion-ordered map; returns how many. */
function expire(sent: Map<string, number>, now: number): number {
  let expired = 0;
  for (const [id, at] of sent) {
    if (now - at < LOST_AFTER_MS) break;
    sent.delete(id);
    expired++;
  }
  return expired;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `idle()` or GRACE_MS, checking every 20 ms. */
async function drain(idle: () => boolean): Promise<void> {
  for (let waited = 0; waited < GRACE_MS && !idle(); waited += 20) await sleep(20);
}

export interface Saturation extends Losses {
  readonly delivered: number;
  readonly elapsedMs: number;
}

/**
 * Every RM in turn sends as soon as a place in the window is free, for `seconds`. The window bounds
 * what waits in the broker: the broker closes a CEM channel with 1 MiB unread, and a relay without
 * flow control would only grow its queues. Counts arrivals at the CEM after the warm-up.
 */
export async function saturate(state: LoadState, seconds: number, window: number): Promise<Saturation> {
  const inFlight = new Map<string, number>();
  const start = performance.now();
  const countFrom = start + warmupMs(seconds);
  const deadline = start + seconds * 1_000;
  let sending = true;
  let delivered = 0;
  let rejected = 0;
  let lost = 0;
  const sendOne = () => {
    const id = state.sendFromNextRm();
    if (id !== undefined) inFlight.set(id, performance.now());
  };
  const settle = (id: string, now: number): boolean => {
    if (!inFlight.delete(id)) return false;
    if (sending && now < deadline) sendOne();
    return true;
  };
  state.listener = {
    atCem: (_rm, id, now) => {
      if (settle(id, now) && now >= countFrom && now < deadline) delivered++;
    },
    atRm: () => undefined,
    refused: (id) => {
      if (settle(id, performance.now())) rejected++;
    },
  };
  const sweep = setInterval(() => {
    const expired = expire(inFlight, performance.now());
    lost += expired;
    for (let i = 0; i < expired && sending; i++) sendOne();
  }, 250);
  try {
    for (let i = 0; i < window; i++) sendOne();
    await sleep(Math.max(0, deadline - performance.now()));
    sending = false;
    await drain(() => inFlight.size === 0);
  } finally {
    clearInterval(sweep);
    state.listener = undefined;
  }
  return { delivered, elapsedMs: deadline - countFrom, rejected, lost: lost + inFlight.size };
}

export interface Rated extends Losses {
  readonly sent: number;
  readonly elapsedMs: number;
  readonly rmToCemMs: Float64Array;
  readonly cemToRmMs: Float64Array;
}

/**
 * Sends `perSecond` PowerMeasurements spread over the RMs, for `seconds`; the CEM answers each with a
 * ReceptionStatus as it arrives. Both one-way latencies are measured on this process's clock: the
 * sender and the receiver of each message live here.
 */
export async function sendAtRate(state: LoadState, perSecond: number, seconds: number): Promise<Rated> {
  const toCem = new Map<string, number>();
  const toRm = new Map<string, number>();
  const rmToCem = new Samples();
  const cemToRm = new Samples();
  const start = performance.now();
  const sampleFrom = start + warmupMs(seconds);
  const deadline = start + seconds * 1_000;
  let sent = 0;
  let rejected = 0;
  let lost = 0;
  state.listener = {
    atCem: (rmNodeId, id, now) => {
      const at = toCem.get(id);
      if (at === undefined) return;
      toCem.delete(id);
      if (at >= sampleFrom) rmToCem.add(now - at);
      if (state.replyFromCem(rmNodeId, id)) toRm.set(id, performance.now());
    },
    atRm: (subject, now) => {
      const at = toRm.get(subject);
      if (at === undefined) return;
      toRm.delete(subject);
      if (at >= sampleFrom) cemToRm.add(now - at);
    },
    refused: (id) => {
      if (toCem.delete(id) || toRm.delete(id)) rejected++;
    },
  };
  const tick = () => {
    const now = performance.now();
    const due = Math.floor(((Math.min(now, deadline) - start) / 1_000) * perSecond) - sent;
    for (let i = 0; i < due && toCem.size + toRm.size < MAX_OUTSTANDING; i++) {
      const id = state.sendFromNextRm();
      if (id === undefined) break;
      toCem.set(id, performance.now());
      sent++;
    }
    lost += expire(toCem, now) + expire(toRm, now);
  };
  const pacer = setInterval(tick, TICK_MS);
  try {
    await sleep(Math.max(0, deadline - performance.now()));
    clearInterval(pacer);
    tick();
    await drain(() => toCem.size === 0 && toRm.size === 0);
  } finally {
    clearInterval(pacer);
    state.listener = undefined;
  }
  return {
    sent,
    elapsedMs: deadline - start,
    rmToCemMs: rmToCem.take(),
    cemToRmMs: cemToRm.take(),
    rejected,
    lost: lost + toCem.size + toRm.size,
  };
}
