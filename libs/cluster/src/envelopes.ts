// What replicas say to each other over Redis. Each replica listens on its own inbox channel, where each
// Redis message is a batch of envelopes (see wire.ts); Redis pub/sub keeps the order of one publisher's
// messages on one channel, which keeps per-RM order.

/** An S2 message from an RM, for the replica holding the CEM channel its session is bound to. */
export interface ToCem {
  readonly kind: 'to-cem';
  readonly id: number;
  readonly from: string;
  readonly channelId: string;
  readonly sessionId: string;
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  /** The S2 message as JSON text, forwarded as is. */
  readonly message: string;
  /** Sender's clock (ms) when sent: a message that arrives too late is not delivered (see `Ack`). */
  readonly sentAt: number;
  /**
   * Sender's clock (ms, sub-millisecond) when the message was read from its socket, or released by the
   * CEM hold: where the routing latency starts. Absent from a replica of an older version.
   */
  readonly readAt: number;
  /**
   * The message's number among those its session sent, the same each time it is sent again (after its
   * outcome was lost, from the CEM hold): the receiver writes none after a later one. Absent from a
   * replica of an older version.
   */
  readonly seq?: number;
  /** For a message sent again: the id it was last sent under, written once, not again. */
  readonly was?: number;
}

/** An S2 message from a CEM channel, for the replica holding the RM's socket. */
export interface ToRm {
  readonly kind: 'to-rm';
  readonly id: number;
  readonly from: string;
  readonly rmNodeId: string;
  readonly sessionId: string;
  readonly message: string;
  readonly sentAt: number;
  /** As in `ToCem`. */
  readonly readAt: number;
}

/**
 * The outcome of a ToCem or ToRm: `delivered` (written to the socket), `rejected` (the broker answers
 * the sender with `reply`, or, for a ToCem without one, TEMPORARY_ERROR: a later message of its session
 * was written first), or `gone` (no such socket any more: TEMPORARY_ERROR, or the CEM hold).
 */
export interface Ack {
  readonly kind: 'ack';
  readonly id: number;
  readonly outcome: 'delivered' | 'rejected' | 'gone';
  /** For `rejected`: the ReceptionStatus for the sender, as JSON text. */
  readonly reply?: string;
}

/** `delivered` acks of many messages in one envelope: under load, most acks are these. */
export interface Delivered {
  readonly kind: 'delivered';
  readonly ids: readonly number[];
}

/** What became of these messages? Answered with an Ack each (`gone` for one never written). */
export interface Query {
  readonly kind: 'query';
  readonly from: string;
  readonly ids: readonly number[];
}

/**
 * Asks the RM's replica to write what it holds of a session's snapshot to Redis now, answered by an
 * Ack once written: the snapshot is saved behind the messages (see SessionDirectory), and a
 * session.opened must not carry a stale one.
 */
export interface SaveSnapshot {
  readonly kind: 'save-snapshot';
  readonly id: number;
  readonly from: string;
  readonly sessionId: string;
}

/** Session lifecycle frames for a CEM channel (session.opened is built by the channel's replica). */
export interface SessionOpen {
  readonly kind: 'session-open';
  readonly channelId: string;
  readonly rmNodeId: string;
  readonly sessionId: string;
  /**
   * A session binding for the first time, whose RM replica has handled none of its frames yet (they wait
   * for the binding): its snapshot is empty and its state the initial one, with no need to ask for them.
   */
  readonly fresh?: true;
}

export interface SessionClosed {
  readonly kind: 'session-closed';
  readonly channelId: string;
  readonly rmNodeId: string;
  readonly sessionId: string;
  readonly cemNodeId: string;
  readonly reason: string;
}

/** The RM's replica learns which channel its session is bound to now ('' for none). */
export interface Bound {
  readonly kind: 'bound';
  readonly rmNodeId: string;
  readonly sessionId: string;
  readonly channelId: string;
  readonly channelReplica: string;
}

/** Close an RM session (replaced by a newer one, or unpaired). */
export interface CloseRm {
  readonly kind: 'close-rm';
  readonly rmNodeId: string;
  readonly sessionId: string;
  readonly reason: 'replaced' | 'unpaired';
}

export type Envelope =
  ToCem | ToRm | Ack | Delivered | Query | SaveSnapshot | SessionOpen | SessionClosed | Bound | CloseRm;

/** The session a SessionClosed names, as the directory or a replica's own state has it. */
interface ClosedSession {
  readonly sessionId: string;
  readonly cemNodeId: string;
}

/** Tells the replica of `channelId` that the RM's session ended, for its CEM channel's `session.closed`. */
export function sessionClosed(
  channelId: string,
  rmNodeId: string,
  session: ClosedSession,
  reason: string,
): SessionClosed {
  return {
    kind: 'session-closed',
    channelId,
    rmNodeId,
    sessionId: session.sessionId,
    cemNodeId: session.cemNodeId,
    reason,
  };
}
