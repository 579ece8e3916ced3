import type { ToCem } from '#cluster';
import type { CemHoldSettings } from '#config';
import type { LatencyHistogram, MessageTypeTallies } from '#observability';
import { type FrameOutcome, inspectFrame, receptionStatus } from '#s2-json';
import { write, writeTracked } from '../sockets/sockets.js';
import { messageFrame } from './cem-frames.js';
import { preciseNow, secondsSince } from './clock.js';
import { CemHold, type HeldMessage } from './cem-hold.js';
import { arrivedTooLate, type DeliveryCore } from './delivery-core.js';
import type { LocalChannel, LocalRm } from './local-hub.js';
import { inOrder, type Outcome, written } from './outcomes.js';
import type { RoutingContext } from './routing-context.js';

/**
 * RM to CEM: each message the broker accepts from an RM is written, in order, to the CEM channel its
 * session is bound to, on this replica or another; while no channel can take it, it waits in the CEM
 * hold; what no channel took in time is answered TEMPORARY_ERROR.
 */
export class RmToCem {
  readonly hold: CemHold;
  private readonly latency: LatencyHistogram;
  private readonly types: MessageTypeTallies;

  constructor(
    private readonly ctx: RoutingContext,
    private readonly core: DeliveryCore,
    settings: CemHoldSettings,
  ) {
    this.latency = ctx.metrics.routingLatency('rm_to_cem');
    this.types = core.types.rmToCem;
    this.hold = new CemHold(
      settings,
      (rm, message) => this.failToCem(rm, message.messageId, message.text),
      (rm, message) =>
        // One that came back may go again only while nothing the RM sent after it got through.
        message.seq !== 0 && message.seq < rm.lastDelivered
          ? this.failToCem(rm, message.messageId, message.text)
          : this.route(rm, message.text, message.messageId, message.at, preciseNow(), message.seq, message.was),
    );
  }

  private get replicaId(): string {
    return this.ctx.bus.replicaId;
  }

  onRmFrame(rm: LocalRm, text: string): void {
    rm.queue.runWith(this.handleRmFrameOf, rm, text);
  }

  private readonly handleRmFrameOf = (rm: LocalRm, text: string): void => this.handleRmFrame(rm, text);

  /** The hot path: inspect, record for the snapshot, then a local write or one envelope. */
  private handleRmFrame(rm: LocalRm, text: string): void {
    const readAt = preciseNow();
    const outcome = inspectFrame(text, { version: rm.s2Version, sender: 'RM', state: rm.state });
    this.types.count(typeOf(outcome));
    if (outcome.kind === 'reject') {
      this.core.counted.rmToCem.rejected.inc();
      const reply = JSON.stringify(outcome.reply);
      write(rm.socket, reply);
      if (this.ctx.observer.observes(rm.rmNodeId, rm.history)) {
        this.core.observe(rm, 'rm_to_cem', rm.sessionId, 'rejected', text, parsesAsJson(text), reply);
      }
      return;
    }
    if (outcome.kind === 'handshake' || outcome.kind === 'consume') {
      // The broker's own exchange with an RM that opens with a Handshake: the CEM never sees it.
      rm.state = outcome.state;
      if (outcome.kind === 'handshake') for (const reply of outcome.replies) write(rm.socket, JSON.stringify(reply));
      return;
    }
    const changed = outcome.state !== rm.state;
    rm.state = outcome.state;
    const { message } = outcome;
    this.ctx.directory.recordFromRm(
      rm.rmNodeId,
      rm.sessionId,
      message.message_type,
      text,
      changed ? JSON.stringify(rm.state) : undefined,
    );
    this.route(rm, text, 'message_id' in message ? message.message_id : undefined, Date.now(), readAt);
  }

  /**
   * Sends a message to the session's channel, or holds it (behind any already held). `readAt` (a
   * `preciseNow`) starts its routing latency: when it was read, or released by the hold. One sent
   * again keeps its number (`seq`, 0 for a new one) and names the id it last went under (`was`).
   */
  private route(
    rm: LocalRm,
    text: string,
    messageId: string | undefined,
    at: number,
    readAt: number,
    seq = 0,
    was = 0,
  ): void {
    if (this.hold.waits(rm)) return this.hold.hold(rm, { text, messageId, at, seq, was });
    if (rm.channelId === '') return this.unsent(rm, { text, messageId, at, seq, was });
    // Bound anew while messages to the old channel are still on their way: behind them, in case they
    // come back to go to the new one.
    if (rm.inFlight > 0 && rm.sentTo !== rm.channelId && this.hold.enabled) {
      return this.hold.hold(rm, { text, messageId, at, seq, was });
    }
    rm.sentTo = rm.channelId;
    // The text outlives this turn only when the hold may need it again or someone observes it.
    const kept = this.hold.enabled || this.ctx.observer.observes(rm.rmNodeId, rm.history) ? text : undefined;
    if (rm.channelReplica === this.replicaId) {
      const local = this.ctx.hub.channel(rm.channelId);
      if (!local || !local.bound.has(rm.rmNodeId)) return this.unsent(rm, { text, messageId, at, seq, was });
      // Counted before the write: a socket may settle it at once.
      rm.inFlight++;
      const n = seq || ++rm.sent;
      if (!writeTracked(local.socket, messageFrame(rm, text), true, this.settleLocal, rm, messageId, kept, n)) {
        rm.inFlight--;
        this.unsent(rm, { text, messageId, at, seq: n, was });
        return;
      }
      this.latency.observe(secondsSince(readAt));
      return;
    }
    rm.inFlight++;
    const n = seq || ++rm.sent;
    const id = this.ctx.outcomes.track(rm.channelReplica, this.settleRemote, rm, messageId, kept, n);
    this.ctx.bus.send(rm.channelReplica, {
      kind: 'to-cem',
      id,
      sentAt: Date.now(),
      readAt,
      seq: n,
      was: was === 0 ? undefined : was,
      from: this.replicaId,
      channelId: rm.channelId,
      sessionId: rm.sessionId,
      rmNodeId: rm.rmNodeId,
      cemNodeId: rm.cemNodeId,
      message: text,
    });
  }

  /** No channel could take it now: the hold, or TEMPORARY_ERROR without one. */
  private unsent(rm: LocalRm, message: HeldMessage): void {
    if (this.hold.enabled) this.hold.hold(rm, message);
    else this.failToCem(rm, message.messageId, message.text);
  }

  private readonly settleLocal = (
    ok: boolean,
    rm: LocalRm,
    messageId: string | undefined,
    kept: string | undefined,
    seq: number,
  ) => this.settled(ok ? 'delivered' : 'gone', rm, messageId, kept, seq, 0);

  private readonly settleRemote = (
    outcome: Outcome,
    _reply: unknown,
    rm: LocalRm,
    messageId: string | undefined,
    kept: string | undefined,
    seq: number,
    id: number,
  ) => this.settled(outcome, rm, messageId, kept, seq, id);

  /**
   * A message sent to a channel reached it, or the channel went away before taking it (`gone`), or a
   * later message of the session reached it first (`rejected`: sending it again could only overtake).
   */
  private settled(
    outcome: Outcome,
    rm: LocalRm,
    messageId: string | undefined,
    kept: string | undefined,
    seq: number,
    id: number,
  ): void {
    rm.inFlight--;
    if (outcome === 'delivered') {
      if (seq > rm.lastDelivered) rm.lastDelivered = seq;
      this.core.counted.rmToCem.delivered.inc();
      if (kept !== undefined && this.ctx.observer.observes(rm.rmNodeId, rm.history)) {
        this.core.observe(rm, 'rm_to_cem', rm.sessionId, 'delivered', kept, true);
      }
    } else if (outcome === 'gone' && kept !== undefined && this.hold.enabled && rm.lastDelivered < seq) {
      // Only while nothing the RM sent after it got through: sent again, it must not overtake them.
      this.hold.returned(rm, { text: kept, messageId, at: Date.now(), seq, was: id }, rm.sentTo);
    } else {
      this.failToCem(rm, messageId, kept, outcome === 'rejected' ? OVERTAKEN : NO_CHANNEL);
    }
    if (rm.inFlight === 0) this.hold.flush(rm);
  }

  /** The session is bound anew: what waited goes now. */
  bound(rm: LocalRm): void {
    this.hold.flush(rm);
  }

  /** The session ended: what it still held cannot be sent, nor answered on its closed socket. */
  ended(rm: LocalRm): void {
    const dropped = this.hold.drop(rm);
    if (dropped === 0) return;
    for (let i = 0; i < dropped; i++) this.core.counted.rmToCem.temporary_error.inc();
    this.ctx.logger.warn(
      { rmNodeId: rm.rmNodeId, sessionId: rm.sessionId, dropped },
      'session closed with held messages',
    );
  }

  /** No CEM channel took an RM's message: TEMPORARY_ERROR to the RM. */
  private failToCem(rm: LocalRm, messageId: string | undefined, kept: string | undefined, why = NO_CHANNEL): void {
    this.core.counted.rmToCem.temporary_error.inc();
    // A ReceptionStatus cannot itself be answered with one.
    const reply =
      messageId === undefined ? undefined : JSON.stringify(receptionStatus(messageId, 'TEMPORARY_ERROR', why));
    if (reply !== undefined) write(rm.socket, reply);
    if (kept !== undefined && this.ctx.observer.observes(rm.rmNodeId, rm.history)) {
      this.core.observe(rm, 'rm_to_cem', rm.sessionId, 'temporary_error', kept, true, reply);
    }
  }

  /** An RM message from another replica, for a channel here. */
  onToCem(envelope: ToCem): void {
    const channel = this.ctx.hub.channel(envelope.channelId);
    const { from, id, was } = envelope;
    // Redis may carry a message twice (a command resent after a reconnection): it is written once.
    if (this.core.written.has(from, id)) {
      if (!this.core.pending.has(from, id)) this.core.ack(from, id, 'delivered');
      return;
    }
    // Sent again because its acknowledgement was lost, while it had been written: not again.
    if (was !== undefined && this.core.written.has(from, was)) {
      this.core.written.add(from, id);
      return this.core.ack(from, id, 'delivered');
    }
    if (!channel || arrivedTooLate(envelope.sentAt)) return this.core.ack(envelope.from, envelope.id, 'gone');
    // Behind a session.opened still being written for this channel, if any: keep the order.
    channel.queue.runWith(this.writeToCemOf, channel, envelope);
  }

  private readonly writeToCemOf = (channel: LocalChannel, envelope: ToCem): void => {
    const target = channel.bound.get(envelope.rmNodeId);
    const { from, id, seq = 0 } = envelope;
    if (arrivedTooLate(envelope.sentAt) || target?.sessionId !== envelope.sessionId) {
      return this.core.ack(from, id, 'gone');
    }
    // Written after a later message, it would break the session's order; sent again, it would again.
    if (!inOrder(target.lastWritten, from, id, seq)) return this.core.ack(from, id, 'rejected');
    // Marked before the write: a socket may settle it at once.
    this.core.handedOver(from, id);
    const frame = messageFrame(envelope, envelope.message);
    if (!writeTracked(channel.socket, frame, true, this.core.settleHandedOver, from, id, undefined)) {
      return this.core.settleHandedOver(false, from, id);
    }
    target.lastWritten = written(target.lastWritten, from, id, seq);
    // A replica of an older version sends no readAt.
    if (envelope.readAt > 0) this.latency.observe(secondsSince(envelope.readAt));
  };
}

const NO_CHANNEL = 'no CEM channel can take this message now';
const OVERTAKEN = 'a later message of this session reached the CEM first';

/** The message type an RM frame names, as far as it names one. */
function typeOf(outcome: FrameOutcome): string | undefined {
  switch (outcome.kind) {
    case 'forward':
      return outcome.message.message_type;
    case 'reject':
      return outcome.messageType;
    case 'handshake':
      return 'Handshake';
    case 'consume':
      return 'ReceptionStatus';
  }
}

/** Whether an RM's text that the broker refused is JSON (asked only for an observed message). */
function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
