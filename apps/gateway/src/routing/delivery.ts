import type { WebSocket } from 'ws';
import type { Ack, Delivered, Query, ToCem, ToRm } from '#cluster';
import { type HistoryPolicy, type InspectedDirection, type InspectedVerdict, inspectedMessageText } from '#inspection';
import type { MessageDirection, MessageOutcome, Tally } from '#observability';
import { inspectFrame, inspectMessage, receptionStatus } from '#s2-json';
import { DELIVER_WITHIN_MS } from '../limits.js';
import { write, writeGathered } from '../sockets/sockets.js';
import { errorFrame, messageFrame, parseCemFrame } from './cem-frames.js';
import type { BoundSession, LocalChannel, LocalRm } from './local-hub.js';
import { inOrder, type Outcome, RecentDeliveries, written } from './outcomes.js';
import type { RoutingContext } from './routing-context.js';

type Counted = Record<'rmToCem' | 'cemToRm', Record<MessageOutcome, Tally>>;

/** Where a CEM message goes: the RM's session and the replica holding its socket. */
type Target = Pick<BoundSession, 'sessionId' | 'replica' | 'cemNodeId'>;

/**
 * Delivery: every S2 message accepted from one side ends in exactly one of written to the other side's
 * socket, in order, or a ReceptionStatus to its sender (the broker's own verdict, or TEMPORARY_ERROR
 * when nothing on the other side could take it in time). Messages for a socket on another replica
 * travel as envelopes; that replica acknowledges each, and a sender that hears nothing asks before it
 * gives up (see PendingOutcomes), so that a delivered message is never also answered.
 */
export class Delivery {
  private readonly delivered = new RecentDeliveries();
  private readonly counted: Counted;

  constructor(private readonly ctx: RoutingContext) {
    const outcomes = (direction: MessageDirection) => ({
      delivered: ctx.metrics.messageCounter(direction, 'delivered'),
      rejected: ctx.metrics.messageCounter(direction, 'rejected'),
      temporary_error: ctx.metrics.messageCounter(direction, 'temporary_error'),
    });
    this.counted = { rmToCem: outcomes('rm_to_cem'), cemToRm: outcomes('cem_to_rm') };
  }

  private get replicaId(): string {
    return this.ctx.bus.replicaId;
  }

  // ---- RM to CEM -------------------------------------------------------------------------------

  onRmFrame(rm: LocalRm, text: string): void {
    rm.queue.runWith(this.handleRmFrameOf, rm, text);
  }

  private readonly handleRmFrameOf = (rm: LocalRm, text: string): void => this.handleRmFrame(rm, text);

  /** The hot path: inspect, record for the snapshot, then a local write or one envelope. */
  private handleRmFrame(rm: LocalRm, text: string): void {
    const outcome = inspectFrame(text, { version: rm.s2Version, sender: 'RM', state: rm.state });
    if (outcome.kind === 'reject') {
      this.counted.rmToCem.rejected.inc();
      const reply = JSON.stringify(outcome.reply);
      write(rm.socket, reply);
      if (this.ctx.observer.observes(rm.rmNodeId, rm.history)) {
        this.observe(rm, 'rm_to_cem', rm.sessionId, 'rejected', text, parsesAsJson(text), reply);
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
    const messageId = 'message_id' in message ? message.message_id : undefined;
    // The text outlives this turn only for a message someone observes.
    const kept = this.ctx.observer.observes(rm.rmNodeId, rm.history) ? text : undefined;
    if (rm.channelId === '') return this.failToCem(rm, messageId, kept);
    if (rm.channelReplica === this.replicaId) {
      const local = this.ctx.hub.channel(rm.channelId);
      if (!local || !local.bound.has(rm.rmNodeId) || !writeGathered(local.socket, messageFrame(rm, text))) {
        this.failToCem(rm, messageId, kept);
      } else {
        this.counted.rmToCem.delivered.inc();
        if (kept !== undefined) this.observe(rm, 'rm_to_cem', rm.sessionId, 'delivered', kept, true);
      }
      return;
    }
    const id = this.ctx.outcomes.track(rm.channelReplica, this.settleToCem, rm, messageId, kept);
    this.ctx.bus.send(rm.channelReplica, {
      kind: 'to-cem',
      id,
      sentAt: Date.now(),
      from: this.replicaId,
      channelId: rm.channelId,
      sessionId: rm.sessionId,
      rmNodeId: rm.rmNodeId,
      cemNodeId: rm.cemNodeId,
      message: text,
    });
  }

  private readonly settleToCem = (
    outcome: Outcome,
    _reply: unknown,
    rm: LocalRm,
    messageId: string | undefined,
    kept: string | undefined,
  ) => {
    if (outcome !== 'delivered') return this.failToCem(rm, messageId, kept);
    this.counted.rmToCem.delivered.inc();
    if (kept !== undefined) this.observe(rm, 'rm_to_cem', rm.sessionId, 'delivered', kept, true);
  };

  /** No CEM channel took an RM's message: TEMPORARY_ERROR to the RM. */
  private failToCem(rm: LocalRm, messageId: string | undefined, kept: string | undefined): void {
    this.counted.rmToCem.temporary_error.inc();
    // A ReceptionStatus cannot itself be answered with one.
    const reply =
      messageId === undefined
        ? undefined
        : JSON.stringify(receptionStatus(messageId, 'TEMPORARY_ERROR', 'no CEM channel can take this message now'));
    if (reply !== undefined) write(rm.socket, reply);
    if (kept !== undefined) this.observe(rm, 'rm_to_cem', rm.sessionId, 'temporary_error', kept, true, reply);
  }

  /** An entry for the inspector's tap and the history: only for what `observer.observes`. */
  private observe(
    rm: { rmNodeId: string; history: HistoryPolicy | null },
    direction: InspectedDirection,
    sessionId: string,
    verdict: InspectedVerdict,
    text: string,
    isJson: boolean,
    reply?: string,
  ): void {
    const head = { at: Date.now(), direction, rmNodeId: rm.rmNodeId, sessionId, verdict };
    this.ctx.observer.record(rm.rmNodeId, rm.history, inspectedMessageText(head, text, isJson, reply));
  }

  /** An RM message from another replica, for a channel here. */
  onToCem(envelope: ToCem): void {
    const channel = this.ctx.hub.channel(envelope.channelId);
    // Redis may carry a message twice (a command resent after a reconnection): it is written once.
    if (this.delivered.has(envelope.from, envelope.id)) return this.ack(envelope, 'delivered');
    if (!channel || arrivedTooLate(envelope.sentAt)) return this.ack(envelope, 'gone');
    // Behind a session.opened still being written for this channel, if any: keep the order.
    channel.queue.runWith(this.writeToCemOf, channel, envelope);
  }

  private readonly writeToCemOf = (channel: LocalChannel, envelope: ToCem): void => {
    const target = channel.bound.get(envelope.rmNodeId);
    const ok =
      !arrivedTooLate(envelope.sentAt) &&
      target?.sessionId === envelope.sessionId &&
      inOrder(target.lastWritten, envelope.from, envelope.id) &&
      writeGathered(channel.socket, messageFrame(envelope, envelope.message));
    if (ok) {
      this.delivered.add(envelope.from, envelope.id);
      target.lastWritten = written(target.lastWritten, envelope.from, envelope.id);
    }
    this.ack(envelope, ok ? 'delivered' : 'gone');
  };

  // ---- CEM to RM -------------------------------------------------------------------------------

  onChannelFrame(channel: LocalChannel, text: string): void {
    const frame = parseCemFrame(text);
    if (!frame.ok) {
      writeGathered(channel.socket, errorFrame('invalid_frame', frame.detail, frame.ref));
      return;
    }
    const local = channel.bound.get(frame.rmNodeId);
    if (local) return this.sendToRm(channel, frame.rmNodeId, local, frame.message);
    // Not bound here: a sibling channel of the tenant may hold it, or nobody.
    channel.queue.run(async () => {
      try {
        const entry = await this.ctx.directory.get(frame.rmNodeId);
        if (entry && entry.tenantId === channel.tenantId) {
          return this.sendToRm(channel, frame.rmNodeId, entry, frame.message);
        }
        const pairing = entry ? undefined : await this.ctx.pairings.findInTenant(channel.tenantId, frame.rmNodeId);
        if (!pairing) {
          writeGathered(
            channel.socket,
            errorFrame('unknown_rm', 'no RM with this id is paired with this tenant', frame.ref),
          );
          return;
        }
        this.counted.cemToRm.temporary_error.inc();
        const session = { sessionId: '', rmNodeId: frame.rmNodeId, cemNodeId: pairing.cemNodeId };
        this.answerCem(channel.socket, session, frame.message, 'the RM is not connected');
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'routing a CEM frame failed');
        write(
          channel.socket,
          errorFrame('unavailable', 'the broker could not route this message now; retry', frame.ref),
        );
      }
    });
  }

  private sendToRm(channel: LocalChannel, rmNodeId: string, target: Target, message: Record<string, unknown>): void {
    const session = { sessionId: target.sessionId, rmNodeId, cemNodeId: target.cemNodeId };
    const text = JSON.stringify(message);
    const settle = (outcome: Outcome, reply?: string) => {
      if (outcome === 'delivered') return this.counted.cemToRm.delivered.inc();
      if (outcome === 'rejected' && reply !== undefined) {
        this.counted.cemToRm.rejected.inc();
        writeGathered(channel.socket, messageFrame(session, reply));
      } else {
        this.counted.cemToRm.temporary_error.inc();
        this.answerCem(channel.socket, session, message, 'the RM could not take this message now', text);
      }
    };
    if (target.replica === this.replicaId) {
      const [outcome, reply] = this.deliverToRm(rmNodeId, target.sessionId, text);
      return settle(outcome, reply);
    }
    const id = this.ctx.outcomes.track(target.replica, settle);
    this.ctx.bus.send(target.replica, {
      kind: 'to-rm',
      id,
      sentAt: Date.now(),
      from: this.replicaId,
      rmNodeId,
      sessionId: target.sessionId,
      message: text,
    });
  }

  /** A CEM message from another replica, for an RM here. */
  onToRm(envelope: ToRm): void {
    const rm = this.ctx.hub.rm(envelope.rmNodeId);
    const [outcome, reply] = this.delivered.has(envelope.from, envelope.id)
      ? (['delivered'] as const)
      : arrivedTooLate(envelope.sentAt) || !inOrder(rm?.lastWritten, envelope.from, envelope.id)
        ? (['gone'] as const)
        : this.deliverToRm(envelope.rmNodeId, envelope.sessionId, envelope.message);
    if (outcome === 'delivered') {
      this.delivered.add(envelope.from, envelope.id);
      if (rm) rm.lastWritten = written(rm.lastWritten, envelope.from, envelope.id);
    }
    this.ctx.bus.send(
      envelope.from,
      reply === undefined
        ? { kind: 'ack', id: envelope.id, outcome }
        : { kind: 'ack', id: envelope.id, outcome, reply },
    );
  }

  /** Validates a CEM's message against the session and writes it to the RM. */
  private deliverToRm(rmNodeId: string, sessionId: string, text: string): [Outcome, string?] {
    const rm = this.ctx.hub.session(rmNodeId, sessionId);
    if (!rm) return ['gone'];
    const outcome = inspectMessage(JSON.parse(text) as Record<string, unknown>, {
      version: rm.s2Version,
      sender: 'CEM',
      state: rm.state,
    });
    const observed = this.ctx.observer.observes(rm.rmNodeId, rm.history);
    if (outcome.kind === 'reject') {
      const reply = JSON.stringify(outcome.reply);
      if (observed) this.observe(rm, 'cem_to_rm', rm.sessionId, 'rejected', text, true, reply);
      return ['rejected', reply];
    }
    // The rules answer a Handshake themselves only for an RM; from a CEM it is a reject above.
    if (outcome.kind !== 'forward') return ['gone'];
    if (outcome.state !== rm.state) {
      rm.state = outcome.state;
      this.ctx.directory.recordState(rm.rmNodeId, rm.sessionId, JSON.stringify(rm.state));
    }
    if (!write(rm.socket, text)) return ['gone'];
    if (observed) this.observe(rm, 'cem_to_rm', rm.sessionId, 'delivered', text, true);
    return ['delivered'];
  }

  // ---- Acknowledgements ------------------------------------------------------------------------

  onAck(envelope: Ack): void {
    this.ctx.outcomes.settle(envelope.id, envelope.outcome, envelope.reply);
  }

  onDelivered(envelope: Delivered): void {
    for (const id of envelope.ids) this.ctx.outcomes.settle(id, 'delivered');
  }

  /** Asked DELIVERY_TIMEOUT_MS after sending: a message not written by now never will be (it arrived too late). */
  onQuery(envelope: Query): void {
    for (const id of envelope.ids)
      this.ack({ from: envelope.from, id }, this.delivered.has(envelope.from, id) ? 'delivered' : 'gone');
  }

  /**
   * TEMPORARY_ERROR for a CEM's message, when it carries a message_id to answer. The RM's replica never
   * saw it, so an inspector watching the RM hears of it from here (no history: its policy is not known
   * on this replica).
   */
  private answerCem(
    socket: WebSocket,
    session: { sessionId: string; rmNodeId: string; cemNodeId: string },
    message: Record<string, unknown>,
    label: string,
    text?: string,
  ): void {
    const id = message['message_id'];
    const reply = typeof id === 'string' ? JSON.stringify(receptionStatus(id, 'TEMPORARY_ERROR', label)) : undefined;
    if (reply !== undefined) writeGathered(socket, messageFrame(session, reply));
    if (this.ctx.observer.observes(session.rmNodeId, null)) {
      const target = { rmNodeId: session.rmNodeId, history: null };
      this.observe(
        target,
        'cem_to_rm',
        session.sessionId,
        'temporary_error',
        text ?? JSON.stringify(message),
        true,
        reply,
      );
    }
  }

  private ack(envelope: { from: string; id: number }, outcome: Outcome): void {
    this.ctx.bus.send(envelope.from, { kind: 'ack', id: envelope.id, outcome });
  }
}

/**
 * A message older than DELIVER_WITHIN_MS when it reaches the other replica is not delivered but answered
 * `gone`: its sender may be about to give up on it.
 */
function arrivedTooLate(sentAt: number): boolean {
  return Date.now() - sentAt > DELIVER_WITHIN_MS;
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
