import type { WebSocket } from 'ws';
import type { ToRm } from '#cluster';
import type { LatencyHistogram } from '#observability';
import { inspectMessage, receptionStatus } from '#s2-json';
import { write, writeGathered, writeTracked } from '../sockets/sockets.js';
import type { Written } from '../sockets/write-ledger.js';
import { type CemMessageFrame, errorFrame, messageFrame, parseCemFrame } from './cem-frames.js';
import { preciseNow, secondsSince } from './clock.js';
import { arrivedTooLate, type DeliveryCore } from './delivery-core.js';
import type { BoundSession, LocalChannel, LocalRm } from './local-hub.js';
import { inOrder, type Outcome, written } from './outcomes.js';
import type { RoutingContext } from './routing-context.js';

/** Where a CEM message goes: the RM's session and the replica holding its socket. */
type Target = Pick<BoundSession, 'sessionId' | 'replica' | 'cemNodeId'>;
type SessionInfo = { sessionId: string; rmNodeId: string; cemNodeId: string };
/** What a CEM message's sender hears: written, refused by the broker with a reply, or not taken. */
type Settle = (outcome: Outcome, reply?: string) => void;
/** A message written to an RM that someone observes, kept until its socket says it got there. */
type Observed = { readonly rm: LocalRm; readonly text: string } | undefined;
/** What became of a message handed to an RM's session on this replica. */
type Handed = 'written' | 'gone' | { readonly rejected: string };

/**
 * CEM to RM: each message the broker accepts from a CEM channel is checked against the RM's session (on
 * the RM's replica, where its state is) and written to the RM, or answered to the channel: the broker's
 * ReceptionStatus for what it refuses, TEMPORARY_ERROR for what the RM could not take, and an `error`
 * frame for what cannot be answered with a ReceptionStatus (a ReceptionStatus).
 */
export class CemToRm {
  private readonly latency: LatencyHistogram;

  constructor(
    private readonly ctx: RoutingContext,
    private readonly core: DeliveryCore,
  ) {
    this.latency = ctx.metrics.routingLatency('cem_to_rm');
  }

  private get replicaId(): string {
    return this.ctx.bus.replicaId;
  }

  onChannelFrame(channel: LocalChannel, text: string): void {
    const frame = parseCemFrame(text, preciseNow());
    if (!frame.ok) {
      writeGathered(channel.socket, errorFrame('invalid_frame', frame.detail, frame.ref));
      return;
    }
    this.core.types.cemToRm.count(frame.message['message_type']);
    // Behind whatever the channel is still doing (a session.opened being written, a look-up for an RM
    // not bound here): a message bound meanwhile must not overtake an earlier one to the same RM.
    channel.queue.runWith(this.routeOf, channel, frame);
  }

  private readonly routeOf = (channel: LocalChannel, frame: CemMessageFrame): void | Promise<void> => {
    const local = channel.bound.get(frame.rmNodeId);
    if (local) return this.sendToRm(channel, frame.rmNodeId, local, frame.message, frame.ref, frame.readAt);
    return this.lookUp(channel, frame);
  };

  /** Not bound here: a sibling channel of the tenant may hold it, or nobody. */
  private async lookUp(channel: LocalChannel, { rmNodeId, message, ref, readAt }: CemMessageFrame): Promise<void> {
    try {
      const entry = await this.ctx.directory.get(rmNodeId);
      if (entry && entry.tenantId === channel.tenantId)
        return this.sendToRm(channel, rmNodeId, entry, message, ref, readAt);
      const pairing = entry ? undefined : await this.ctx.pairings.findInTenant(channel.tenantId, rmNodeId);
      if (!pairing) {
        const detail = 'no RM with this id is paired with this tenant';
        writeGathered(channel.socket, errorFrame('unknown_rm', detail, ref, { rmNodeId }));
        return;
      }
      this.core.counted.cemToRm.temporary_error.inc();
      const session = { sessionId: '', rmNodeId, cemNodeId: pairing.cemNodeId };
      this.answerCem(channel.socket, session, message, 'the RM is not connected', ref);
    } catch (error) {
      const { tenantId, channelId } = channel;
      this.ctx.logger.error({ err: error, tenantId, channelId, rmNodeId }, 'routing a CEM frame failed');
      const detail = 'the broker could not route this message now; retry';
      write(channel.socket, errorFrame('unavailable', detail, ref, { rmNodeId }));
    }
  }

  private sendToRm(
    channel: LocalChannel,
    rmNodeId: string,
    target: Target,
    message: Record<string, unknown>,
    ref: unknown,
    readAt: number,
  ): void {
    const session = { sessionId: target.sessionId, rmNodeId, cemNodeId: target.cemNodeId };
    const text = JSON.stringify(message);
    const { counted } = this.core;
    const settle: Settle = (outcome, reply) => {
      if (outcome === 'delivered') return counted.cemToRm.delivered.inc();
      if (outcome === 'rejected' && reply !== undefined) {
        counted.cemToRm.rejected.inc();
        writeGathered(channel.socket, messageFrame(session, reply));
      } else {
        counted.cemToRm.temporary_error.inc();
        this.answerCem(channel.socket, session, message, 'the RM could not take this message now', ref, text);
      }
    };
    if (target.replica === this.replicaId) {
      const handed = this.deliverToRm(rmNodeId, target.sessionId, text, this.settleLocal, settle, undefined);
      if (handed === 'written') this.latency.observe(secondsSince(readAt));
      else if (handed === 'gone') settle('gone');
      else settle('rejected', handed.rejected);
      return;
    }
    const id = this.ctx.outcomes.track(target.replica, settle);
    this.ctx.bus.send(target.replica, {
      kind: 'to-rm',
      id,
      sentAt: Date.now(),
      readAt,
      from: this.replicaId,
      rmNodeId,
      sessionId: target.sessionId,
      message: text,
    });
  }

  private readonly settleLocal = (ok: boolean, settle: Settle, _unused: undefined, observed: Observed): void => {
    if (ok && observed)
      this.core.observe(observed.rm, 'cem_to_rm', observed.rm.sessionId, 'delivered', observed.text, true);
    settle(ok ? 'delivered' : 'gone');
  };

  private readonly settleRemote = (ok: boolean, from: string, id: number, observed: Observed): void => {
    if (ok && observed)
      this.core.observe(observed.rm, 'cem_to_rm', observed.rm.sessionId, 'delivered', observed.text, true);
    this.core.settleHandedOver(ok, from, id);
  };

  /** A CEM message from another replica, for an RM here. */
  onToRm(envelope: ToRm): void {
    const { from, id, rmNodeId } = envelope;
    if (this.core.written.has(from, id)) {
      if (!this.core.pending.has(from, id)) this.core.ack(from, id, 'delivered');
      return;
    }
    const rm = this.ctx.hub.rm(rmNodeId);
    if (arrivedTooLate(envelope.sentAt) || !inOrder(rm?.lastWritten, from, id)) return this.core.ack(from, id, 'gone');
    // Marked before the write: a socket may settle it at once.
    this.core.handedOver(from, id);
    const handed = this.deliverToRm(rmNodeId, envelope.sessionId, envelope.message, this.settleRemote, from, id);
    if (handed === 'written') {
      if (rm) rm.lastWritten = written(rm.lastWritten, from, id);
      // A replica of an older version sends no readAt.
      if (envelope.readAt > 0) this.latency.observe(secondsSince(envelope.readAt));
      return;
    }
    this.core.written.delete(from, id);
    this.core.pending.delete(from, id);
    if (handed === 'gone') this.core.ack(from, id, 'gone');
    else this.core.ack(from, id, 'rejected', handed.rejected);
  }

  /** Checks a CEM's message against the session and writes it to the RM; `settle` hears once it got there. */
  private deliverToRm<A, B>(
    rmNodeId: string,
    sessionId: string,
    text: string,
    settle: Written<A, B, Observed>,
    a: A,
    b: B,
  ): Handed {
    const rm = this.ctx.hub.session(rmNodeId, sessionId);
    if (!rm) return 'gone';
    const outcome = inspectMessage(JSON.parse(text) as Record<string, unknown>, {
      version: rm.s2Version,
      sender: 'CEM',
      state: rm.state,
    });
    const observed = this.ctx.observer.observes(rm.rmNodeId, rm.history);
    if (outcome.kind === 'reject') {
      const reply = JSON.stringify(outcome.reply);
      if (observed) this.core.observe(rm, 'cem_to_rm', rm.sessionId, 'rejected', text, true, reply);
      return { rejected: reply };
    }
    // The rules answer a Handshake themselves only for an RM; from a CEM it is a reject above.
    if (outcome.kind !== 'forward') return 'gone';
    const previous = rm.state;
    rm.state = outcome.state;
    if (!writeTracked(rm.socket, text, false, settle, a, b, observed ? { rm, text } : undefined)) {
      rm.state = previous;
      return 'gone';
    }
    if (outcome.state !== previous) this.ctx.directory.recordState(rm.rmNodeId, rm.sessionId, JSON.stringify(rm.state));
    return 'written';
  }

  /**
   * TEMPORARY_ERROR for a CEM's message that did not reach its RM, as a ReceptionStatus when it has a
   * message_id, else (a ReceptionStatus) an `error` frame naming the RM and the message it answered. The
   * RM's replica may never have seen it, so an inspector watching the RM hears of it from here (no
   * history: the tenant's policy is known on the RM's replica only).
   */
  private answerCem(
    socket: WebSocket,
    session: SessionInfo,
    message: Record<string, unknown>,
    label: string,
    ref: unknown,
    text?: string,
  ): void {
    const id = message['message_id'];
    const reply = typeof id === 'string' ? JSON.stringify(receptionStatus(id, 'TEMPORARY_ERROR', label)) : undefined;
    if (reply !== undefined) writeGathered(socket, messageFrame(session, reply));
    else {
      const subject = message['subject_message_id'];
      const about = { rmNodeId: session.rmNodeId, messageId: typeof subject === 'string' ? subject : undefined };
      writeGathered(
        socket,
        errorFrame('undeliverable', `${label}: this ${String(message['message_type'])} was not delivered`, ref, about),
      );
    }
    if (this.ctx.observer.observes(session.rmNodeId, null)) {
      const target = { rmNodeId: session.rmNodeId, history: null };
      this.core.observe(
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
}
