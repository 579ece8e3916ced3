import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { WebsocketGrant } from '#connect-state';
import { LOGGER, type MessageDirection, type MessageOutcome, Metrics, type Tally } from '#observability';
import type { Envelope, ToCem } from '#cluster';
import { ReplicaBus } from '#cluster';
import { type RmEntry, SessionDirectory } from '#cluster';
import { receptionStatus, sessionRequest } from '#s2-json';
import { inspectFrame, inspectMessage } from '#s2-json';
import { INITIAL_SESSION_STATE, type SessionState } from '#s2-json';
import { PairingRepository } from '#store';
import { errorFrame, messageFrame, parseCemFrame, sessionClosedFrame, sessionOpenedFrame } from './cem-frames.js';
import { BIND_WAIT_MS, CLOSE, DELIVER_WITHIN_MS } from './limits.js';
import { SessionEvents } from './session-events.js';

import { type LocalChannel, type LocalRm, serves } from './local-state.js';
import { inOrder, type Outcome, PendingOutcomes, RecentDeliveries, written } from './outcomes.js';
import { SerialQueue } from './serial-queue.js';
import { write, writeGathered } from './sockets.js';

/**
 * Routes S2 messages between the RM sockets and CEM channels of this replica and, over Redis, of every
 * other replica. Each accepted message ends in exactly one of: written to the other side, or a
 * ReceptionStatus to the sender (the broker's own verdict, or TEMPORARY_ERROR when nothing on the
 * other side could take it in time).
 */
@Injectable()
export class RouterService {
  readonly rms = new Map<string, LocalRm>();
  readonly channels = new Map<string, LocalChannel>();
  private readonly outcomes: PendingOutcomes;
  private readonly delivered = new RecentDeliveries();
  private readonly names = new Map<string, string>();
  private readonly logger: Logger;
  private readonly counted: Record<'rmToCem' | 'cemToRm', Record<MessageOutcome, Tally>>;

  constructor(
    private readonly bus: ReplicaBus,
    private readonly directory: SessionDirectory,
    private readonly pairings: PairingRepository,
    @Inject(LOGGER) logger: Logger,
    metrics: Metrics,
    private readonly sessionEvents: SessionEvents,
  ) {
    this.logger = logger.child({ component: 'router' });
    bus.onMessage((envelope) => this.onEnvelope(envelope));
    this.outcomes = new PendingOutcomes(
      (replica, ids) => this.bus.send(replica, { k: 'query', from: this.replicaId, ids }),
      (replica) => this.bus.isAlive(replica),
    );
    const outcomes = (direction: MessageDirection) => ({
      delivered: metrics.messageCounter(direction, 'delivered'),
      rejected: metrics.messageCounter(direction, 'rejected'),
      temporary_error: metrics.messageCounter(direction, 'temporary_error'),
    });
    this.counted = { rmToCem: outcomes('rm_to_cem'), cemToRm: outcomes('cem_to_rm') };
    metrics.gaugeOf('s2b_rm_sessions', 'RM sessions whose socket this replica holds', () => this.rms.size);
    metrics.gaugeOf('s2b_cem_channels', 'CEM channels whose socket this replica holds', () => this.channels.size);
    metrics.gaugeOf(
      's2b_pending_deliveries',
      'messages sent to another replica, awaiting their outcome',
      () => this.outcomes.size,
    );
  }

  get replicaId(): string {
    return this.bus.replicaId;
  }

  get pendingDeliveries(): number {
    return this.outcomes.size;
  }

  // ---- RM sessions ---------------------------------------------------------------------------

  async openRm(grant: WebsocketGrant, socket: WebSocket): Promise<LocalRm> {
    const older = this.rms.get(grant.rmNodeId);
    if (older) this.closeRmSocket(older, CLOSE.replaced, 'replaced');
    // Every field from the start: one object shape for all sessions, none growing a property store.
    const rm: LocalRm = {
      rmNodeId: grant.rmNodeId,
      sessionId: randomUUID(),
      tenantId: grant.tenantId,
      cemNodeId: grant.cemNodeId,
      pairingId: grant.pairingId,
      s2Version: grant.s2Version,
      socket,
      state: INITIAL_SESSION_STATE,
      channelId: '',
      channelReplica: '',
      queue: new SerialQueue((error: unknown) =>
        this.logger.error({ err: error, rmNodeId: grant.rmNodeId }, 'RM session work failed'),
      ),
      bound: undefined,
      closeReason: undefined,
      lastWritten: undefined,
    };
    this.rms.set(rm.rmNodeId, rm);
    const firstBinding = new Promise<void>((resolve) => {
      rm.bound = resolve;
      setTimeout(resolve, BIND_WAIT_MS).unref();
    });
    rm.queue.run(() => this.register(rm).then(() => firstBinding));
    return rm;
  }

  private async register(rm: LocalRm): Promise<void> {
    const previous = await this.directory.register(rm.rmNodeId, this.entryOf(rm));
    if (previous && previous.sessionId !== rm.sessionId) {
      // The old session's own replica can no longer remove it (the entry is this session's now), and
      // may be dead: the CEM hears of its end from here, before the new session opens.
      const reason = (await this.bus.isAlive(previous.replica)) ? 'replaced' : 'replica-lost';
      this.sessionEvents.closed(rm.rmNodeId, previous, reason);
      if (previous.channelId !== '') {
        this.bus.send(previous.channelReplica, {
          k: 'session-closed',
          channelId: previous.channelId,
          rmNodeId: rm.rmNodeId,
          sessionId: previous.sessionId,
          cemNodeId: previous.cemNodeId,
          reason,
        });
      }
      if (previous.replica !== this.replicaId) {
        this.bus.send(previous.replica, {
          k: 'close-rm',
          rmNodeId: rm.rmNodeId,
          sessionId: previous.sessionId,
          reason: 'replaced',
        });
      }
    }
    this.sessionEvents.opened(rm.rmNodeId, rm);
    await this.bindSomewhere(rm.rmNodeId, rm.sessionId, rm.tenantId, rm.cemNodeId, '');
  }

  private entryOf(rm: LocalRm): RmEntry {
    return {
      sessionId: rm.sessionId,
      replica: this.replicaId,
      tenantId: rm.tenantId,
      cemNodeId: rm.cemNodeId,
      pairingId: rm.pairingId,
      s2Version: rm.s2Version,
      connectedAt: new Date().toISOString(),
      channelId: '',
      channelReplica: '',
      state: JSON.stringify(rm.state),
    };
  }

  onRmFrame(rm: LocalRm, text: string): void {
    rm.queue.runWith(this.handleRmFrameOf, rm, text);
  }

  private readonly handleRmFrameOf = (rm: LocalRm, text: string): void => this.handleRmFrame(rm, text);

  private handleRmFrame(rm: LocalRm, text: string): void {
    const outcome = inspectFrame(text, { version: rm.s2Version, sender: 'RM', state: rm.state });
    if (outcome.kind === 'reject') {
      this.counted.rmToCem.rejected.inc();
      write(rm.socket, JSON.stringify(outcome.reply));
      return;
    }
    if (outcome.kind === 'handshake') {
      for (const reply of outcome.replies) write(rm.socket, JSON.stringify(reply));
      return;
    }
    const changed = outcome.state !== rm.state;
    rm.state = outcome.state;
    const { message } = outcome;
    this.directory.recordFromRm(
      rm.rmNodeId,
      rm.sessionId,
      message.message_type,
      text,
      changed ? JSON.stringify(rm.state) : undefined,
    );
    const messageId = 'message_id' in message ? message.message_id : undefined;
    if (rm.channelId === '') return this.failToCem(rm, messageId);
    if (rm.channelReplica === this.replicaId) {
      const local = this.channels.get(rm.channelId);
      if (!local || !local.bound.has(rm.rmNodeId) || !writeGathered(local.socket, messageFrame(rm, text))) {
        this.failToCem(rm, messageId);
      } else {
        this.counted.rmToCem.delivered.inc();
      }
      return;
    }
    const id = this.outcomes.track(rm.channelReplica, this.settleToCem, rm, messageId);
    this.bus.send(rm.channelReplica, {
      k: 'to-cem',
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

  private readonly settleToCem = (outcome: Outcome, _reply: unknown, rm: LocalRm, messageId: string | undefined) => {
    if (outcome === 'delivered') this.counted.rmToCem.delivered.inc();
    else this.failToCem(rm, messageId);
  };

  /** No CEM channel took an RM's message: TEMPORARY_ERROR to the RM. */
  private failToCem(rm: LocalRm, messageId: string | undefined): void {
    this.counted.rmToCem.temporary_error.inc();
    // A ReceptionStatus cannot itself be answered with one.
    if (messageId !== undefined) {
      write(
        rm.socket,
        JSON.stringify(receptionStatus(messageId, 'TEMPORARY_ERROR', 'no CEM channel can take this message now')),
      );
    }
  }

  /** The socket closed (for whatever reason): the session ends everywhere. */
  async closedRm(rm: LocalRm, reason: string): Promise<void> {
    if (this.rms.get(rm.rmNodeId) === rm) this.rms.delete(rm.rmNodeId);
    await rm.queue.idle();
    const removed = await this.directory.remove(rm.rmNodeId, {
      sessionId: rm.sessionId,
      tenantId: rm.tenantId,
      replica: this.replicaId,
    });
    if (removed) this.sessionEvents.closed(rm.rmNodeId, rm, reason);
    if (removed && rm.channelId !== '') {
      this.bus.send(rm.channelReplica, {
        k: 'session-closed',
        channelId: rm.channelId,
        rmNodeId: rm.rmNodeId,
        sessionId: rm.sessionId,
        cemNodeId: rm.cemNodeId,
        reason,
      });
    }
  }

  closeRmSocket(rm: LocalRm, code: number, reason: string, request?: 'RECONNECT'): void {
    rm.closeReason ??= reason;
    if (request) write(rm.socket, JSON.stringify(sessionRequest(request, reason)));
    rm.socket.close(code, reason);
    // A peer that does not finish the closing handshake is cut off.
    setTimeout(() => rm.socket.terminate(), 1_000).unref();
  }

  // ---- Binding ---------------------------------------------------------------------------------

  /**
   * Binds a session to one of its tenant's CEM channels (not `exclude`), or leaves it unbound. The
   * channel's replica writes session.opened and then tells the RM's replica, so that no message
   * reaches the channel before session.opened does.
   */
  private async bindSomewhere(
    rmNodeId: string,
    sessionId: string,
    tenantId: string,
    cemNodeId: string,
    expected: string,
    exclude?: string,
  ): Promise<void> {
    const candidates = [];
    for (const channel of await this.directory.channels(tenantId)) {
      if (channel.channelId === exclude || !serves(channel, cemNodeId)) continue;
      if (await this.bus.isAlive(channel.replica)) candidates.push(channel);
    }
    const pick = candidates[Math.floor(Math.random() * candidates.length)];
    if (!pick) {
      if (expected !== '') await this.directory.bind(rmNodeId, sessionId, expected, '', '');
      const entry = await this.directory.get(rmNodeId);
      if (entry && entry.sessionId === sessionId) {
        this.bus.send(entry.replica, { k: 'bound', rmNodeId, sessionId, channelId: '', channelReplica: '' });
      }
      return;
    }
    if (await this.directory.bind(rmNodeId, sessionId, expected, pick.channelId, pick.replica)) {
      this.bus.send(pick.replica, { k: 'session-open', channelId: pick.channelId, rmNodeId, sessionId });
    }
  }

  // ---- CEM channels ----------------------------------------------------------------------------

  async openChannel(
    { tenantId, serviceAccountId }: { tenantId: string; serviceAccountId: string },
    cemNodeIds: string[] | null,
    socket: WebSocket,
  ): Promise<LocalChannel> {
    const channel: LocalChannel = {
      channelId: randomUUID(),
      tenantId,
      serviceAccountId,
      cemNodeIds: cemNodeIds === null ? null : new Set(cemNodeIds),
      socket,
      bound: new Map(),
      queue: new SerialQueue((error: unknown) => this.logger.error({ err: error }, 'channel work failed')),
      closed: false,
      afterClose: new Map(),
    };
    this.channels.set(channel.channelId, channel);
    channel.queue.run(() => this.adopt(channel, cemNodeIds));
    return channel;
  }

  /** A new channel takes the tenant's sessions that have no live channel. */
  private async adopt(channel: LocalChannel, cemNodeIds: string[] | null): Promise<void> {
    await this.directory.addChannel(channel.tenantId, {
      channelId: channel.channelId,
      replica: this.replicaId,
      cemNodeIds,
    });
    const live = new Set((await this.directory.channels(channel.tenantId)).map((c) => c.channelId));
    const entries = await this.directory.getMany(await this.directory.tenantSessions(channel.tenantId));
    for (const [rmNodeId, entry] of entries) {
      if (!serves(channel, entry.cemNodeId)) continue;
      if (entry.channelId !== '' && live.has(entry.channelId)) continue;
      if (await this.directory.bind(rmNodeId, entry.sessionId, entry.channelId, channel.channelId, this.replicaId)) {
        await this.openSessionOn(channel, rmNodeId, entry.sessionId);
      }
    }
  }

  /** Writes session.opened for a session just bound to a local channel, then tells the RM's replica. */
  private async openSessionOn(channel: LocalChannel, rmNodeId: string, sessionId: string): Promise<void> {
    const entry = await this.directory.get(rmNodeId);
    if (!entry || entry.sessionId !== sessionId || entry.channelId !== channel.channelId) return;
    if (channel.closed) {
      await this.bindSomewhere(
        rmNodeId,
        sessionId,
        entry.tenantId,
        entry.cemNodeId,
        channel.channelId,
        channel.channelId,
      );
      return;
    }
    const [saved, descriptions] = await Promise.all([
      this.savedSnapshot(entry.replica, rmNodeId, sessionId),
      this.pairings.descriptions(entry.pairingId),
    ]);
    const { snapshot, state: stateText } = saved;
    const state = JSON.parse(stateText ?? entry.state) as SessionState;
    writeGathered(
      channel.socket,
      sessionOpenedFrame({
        sessionId,
        rmNodeId,
        cemNodeId: entry.cemNodeId,
        s2Version: entry.s2Version,
        rmNodeDescription: descriptions?.rmNodeDescription ?? null,
        rmEndpointDescription: descriptions?.rmEndpointDescription ?? null,
        controlType: state.activeControlType ?? 'NO_SELECTION',
        snapshot: Object.values(snapshot).map((text) => JSON.parse(text) as unknown),
      }),
    );
    channel.bound.set(rmNodeId, {
      sessionId,
      replica: this.shared(entry.replica),
      cemNodeId: entry.cemNodeId,
      lastWritten: undefined,
    });
    this.bus.send(entry.replica, {
      k: 'bound',
      rmNodeId,
      sessionId,
      channelId: channel.channelId,
      channelReplica: this.replicaId,
    });
  }

  /**
   * The session's snapshot and state as its RM's replica last saw them: that replica saves what it holds
   * first (the RM's messages are saved behind, see SessionDirectory). If it does not answer in time,
   * what Redis has.
   */
  private async savedSnapshot(
    rmReplica: string,
    rmNodeId: string,
    sessionId: string,
  ): Promise<{ snapshot: Record<string, string>; state: string | undefined }> {
    if (rmReplica === this.replicaId) await this.directory.saveNow(sessionId);
    else {
      await new Promise<void>((resolve) => {
        const id = this.outcomes.track(rmReplica, () => resolve());
        this.bus.send(rmReplica, { k: 'save-snapshot', id, from: this.replicaId, sessionId });
      });
    }
    return this.directory.savedSession(rmNodeId, sessionId);
  }

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
        const entry = await this.directory.get(frame.rmNodeId);
        if (entry && entry.tenantId === channel.tenantId) {
          return this.sendToRm(
            channel,
            frame.rmNodeId,
            { sessionId: entry.sessionId, replica: entry.replica, cemNodeId: entry.cemNodeId },
            frame.message,
          );
        }
        const pairing = entry ? undefined : await this.pairings.findInTenant(channel.tenantId, frame.rmNodeId);
        if (!pairing) {
          writeGathered(
            channel.socket,
            errorFrame('unknown_rm', 'no RM with this id is paired with this tenant', frame.ref),
          );
          return;
        }
        this.counted.cemToRm.temporary_error.inc();
        this.answerCem(
          channel,
          { sessionId: '', rmNodeId: frame.rmNodeId, cemNodeId: pairing.cemNodeId },
          frame.message,
          'TEMPORARY_ERROR',
          'the RM is not connected',
        );
      } catch (error) {
        this.logger.error({ err: error }, 'routing a CEM frame failed');
        write(
          channel.socket,
          errorFrame('unavailable', 'the broker could not route this message now; retry', frame.ref),
        );
      }
    });
  }

  private sendToRm(
    channel: LocalChannel,
    rmNodeId: string,
    target: { sessionId: string; replica: string; cemNodeId: string },
    message: Record<string, unknown>,
  ): void {
    const session = { sessionId: target.sessionId, rmNodeId, cemNodeId: target.cemNodeId };
    const text = JSON.stringify(message);
    const settle = (outcome: Outcome, reply?: string) => {
      if (outcome === 'delivered') return this.counted.cemToRm.delivered.inc();
      if (outcome === 'rejected' && reply !== undefined) {
        this.counted.cemToRm.rejected.inc();
        writeGathered(channel.socket, messageFrame(session, reply));
      } else {
        this.counted.cemToRm.temporary_error.inc();
        this.answerCem(channel, session, message, 'TEMPORARY_ERROR', 'the RM could not take this message now');
      }
    };
    if (target.replica === this.replicaId) {
      const [outcome, reply] = this.deliverToRm(rmNodeId, target.sessionId, text);
      return settle(outcome, reply);
    }
    const id = this.outcomes.track(target.replica, settle);
    this.bus.send(target.replica, {
      k: 'to-rm',
      id,
      sentAt: Date.now(),
      from: this.replicaId,
      rmNodeId,
      sessionId: target.sessionId,
      message: text,
    });
  }

  private answerCem(
    channel: LocalChannel,
    session: { sessionId: string; rmNodeId: string; cemNodeId: string },
    message: Record<string, unknown>,
    status: 'TEMPORARY_ERROR',
    label: string,
  ): void {
    const id = message['message_id'];
    if (typeof id !== 'string') return;
    writeGathered(channel.socket, messageFrame(session, JSON.stringify(receptionStatus(id, status, label))));
  }

  /** The channel's socket closed: its sessions move to the tenant's other channels. */
  async closedChannel(channel: LocalChannel): Promise<void> {
    channel.closed = true;
    this.channels.delete(channel.channelId);
    await channel.queue.idle();
    await this.directory.removeChannel(channel.tenantId, channel.channelId, this.replicaId);
    for (const [rmNodeId, target] of channel.bound) {
      await this.bindSomewhere(
        rmNodeId,
        target.sessionId,
        channel.tenantId,
        target.cemNodeId,
        channel.channelId,
        channel.channelId,
      );
    }
    channel.bound.clear();
  }

  // ---- Envelopes from other replicas -----------------------------------------------------------

  private onEnvelope(envelope: Envelope): void {
    switch (envelope.k) {
      case 'ack':
        return this.outcomes.settle(envelope.id, envelope.outcome, envelope.reply);
      case 'delivered':
        for (const id of envelope.ids) this.outcomes.settle(id, 'delivered');
        return;
      case 'query':
        // Asked DELIVERY_TIMEOUT_MS after sending: a message not written by now never will be (it is late).
        for (const id of envelope.ids) {
          this.bus.send(envelope.from, {
            k: 'ack',
            id,
            outcome: this.delivered.has(envelope.from, id) ? 'delivered' : 'gone',
          });
        }
        return;
      case 'save-snapshot': {
        const answer = (outcome: Outcome) => this.bus.send(envelope.from, { k: 'ack', id: envelope.id, outcome });
        this.directory.saveNow(envelope.sessionId).then(
          () => answer('delivered'),
          () => answer('gone'),
        );
        return;
      }
      case 'to-cem':
        return this.onToCem(envelope);
      case 'to-rm': {
        const [outcome, reply] = this.delivered.has(envelope.from, envelope.id)
          ? (['delivered'] as const)
          : this.late(envelope.sentAt) ||
              !inOrder(this.rms.get(envelope.rmNodeId)?.lastWritten, envelope.from, envelope.id)
            ? (['gone'] as const)
            : this.deliverToRm(envelope.rmNodeId, envelope.sessionId, envelope.message);
        if (outcome === 'delivered') {
          this.delivered.add(envelope.from, envelope.id);
          const rm = this.rms.get(envelope.rmNodeId);
          if (rm) rm.lastWritten = written(rm.lastWritten, envelope.from, envelope.id);
        }
        this.bus.send(
          envelope.from,
          reply === undefined ? { k: 'ack', id: envelope.id, outcome } : { k: 'ack', id: envelope.id, outcome, reply },
        );
        return;
      }
      case 'session-open':
        return this.onChannel(
          envelope.channelId,
          (channel) => this.openSessionOn(channel, envelope.rmNodeId, envelope.sessionId),
          async () => {
            const entry = await this.directory.get(envelope.rmNodeId);
            if (entry)
              await this.bindSomewhere(
                envelope.rmNodeId,
                envelope.sessionId,
                entry.tenantId,
                entry.cemNodeId,
                envelope.channelId,
                envelope.channelId,
              );
          },
        );
      case 'session-closed':
        return this.onChannel(envelope.channelId, async (channel) => {
          if (channel.bound.get(envelope.rmNodeId)?.sessionId !== envelope.sessionId) return;
          channel.bound.delete(envelope.rmNodeId);
          writeGathered(channel.socket, sessionClosedFrame(envelope, envelope.reason));
          const held = channel.afterClose.get(envelope.rmNodeId);
          if (held !== undefined) {
            channel.afterClose.delete(envelope.rmNodeId);
            writeGathered(channel.socket, held);
          }
        });
      case 'bound': {
        const rm = this.rms.get(envelope.rmNodeId);
        if (!rm || rm.sessionId !== envelope.sessionId) return;
        rm.channelId = this.shared(envelope.channelId);
        rm.channelReplica = this.shared(envelope.channelReplica);
        rm.bound?.();
        // Held by tens of thousands of idle sessions otherwise.
        rm.bound = undefined;
        return;
      }
      case 'close-rm': {
        const rm = this.rms.get(envelope.rmNodeId);
        if (rm && rm.sessionId === envelope.sessionId) this.closeRmSocket(rm, CLOSE.replaced, envelope.reason);
        return;
      }
    }
  }

  private onToCem(envelope: ToCem): void {
    const channel = this.channels.get(envelope.channelId);
    // Redis may carry a message twice (a command resent after a reconnection): it is written once.
    if (this.delivered.has(envelope.from, envelope.id)) return this.ack(envelope, 'delivered');
    if (!channel || this.late(envelope.sentAt)) return this.ack(envelope, 'gone');
    // Behind a session.opened still being written for this channel, if any: keep the order.
    channel.queue.runWith(this.writeToCemOf, channel, envelope);
  }

  private readonly writeToCemOf = (channel: LocalChannel, envelope: ToCem): void => {
    const target = channel.bound.get(envelope.rmNodeId);
    const ok =
      !this.late(envelope.sentAt) &&
      target?.sessionId === envelope.sessionId &&
      inOrder(target.lastWritten, envelope.from, envelope.id) &&
      writeGathered(channel.socket, messageFrame(envelope, envelope.message));
    if (ok) {
      this.delivered.add(envelope.from, envelope.id);
      target.lastWritten = written(target.lastWritten, envelope.from, envelope.id);
    }
    this.ack(envelope, ok ? 'delivered' : 'gone');
  };

  private ack(envelope: { from: string; id: number }, outcome: Outcome): void {
    this.bus.send(envelope.from, { k: 'ack', id: envelope.id, outcome });
  }

  private onChannel(
    channelId: string,
    work: (channel: LocalChannel) => Promise<void>,
    missing?: () => Promise<void>,
  ): void {
    const channel = this.channels.get(channelId);
    if (!channel) {
      void missing?.().catch((error: unknown) => this.logger.error({ err: error }, 'rebinding failed'));
      return;
    }
    channel.queue.run(() => work(channel));
  }

  /** Validates a CEM's message against the session and writes it to the RM. */
  private deliverToRm(rmNodeId: string, sessionId: string, text: string): [Outcome, string?] {
    const rm = this.rms.get(rmNodeId);
    if (!rm || rm.sessionId !== sessionId) return ['gone'];
    const outcome = inspectMessage(JSON.parse(text) as Record<string, unknown>, {
      version: rm.s2Version,
      sender: 'CEM',
      state: rm.state,
    });
    if (outcome.kind === 'reject') return ['rejected', JSON.stringify(outcome.reply)];
    // The rules answer a Handshake themselves only for an RM; from a CEM it is a reject above.
    if (outcome.kind !== 'forward') return ['gone'];
    if (outcome.state !== rm.state) {
      rm.state = outcome.state;
      this.directory.recordState(rm.rmNodeId, rm.sessionId, JSON.stringify(rm.state));
    }
    return write(rm.socket, text) ? ['delivered'] : ['gone'];
  }

  /**
   * One copy of a channel id or replica name for all the sessions bound to it, instead of one per
   * session parsed out of each envelope. Forgotten wholesale now and then: channels come and go.
   */
  private shared(text: string): string {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size >= 4_096) this.names.clear();
    this.names.set(text, text);
    return text;
  }

  private late(sentAt: number): boolean {
    return Date.now() - sentAt > DELIVER_WITHIN_MS;
  }

  /**
   * A pairing event for this replica's channels of the tenant; pairing.removed waits (up to two
   * seconds) for the session.closed of a session bound here, so that the CEM sees them in that order.
   */
  pairingEvent(tenantId: string, cemNodeId: string, rmNodeId: string, frame: string, removed: boolean): void {
    for (const channel of this.channels.values()) {
      if (channel.tenantId !== tenantId || !serves(channel, cemNodeId)) continue;
      if (removed && channel.bound.has(rmNodeId)) {
        channel.afterClose.set(rmNodeId, frame);
        setTimeout(() => {
          if (channel.afterClose.get(rmNodeId) !== frame) return;
          channel.afterClose.delete(rmNodeId);
          writeGathered(channel.socket, frame);
        }, 2_000).unref();
      } else {
        writeGathered(channel.socket, frame);
      }
    }
  }

  /** For the reaper: a dead replica's sessions end and its channels' sessions move. */
  async reap(replica: string): Promise<void> {
    const rms = await this.directory.getMany(await this.directory.replicaRms(replica));
    for (const [rmNodeId, entry] of rms) {
      if (entry.replica !== replica) continue;
      const removed = await this.directory.remove(rmNodeId, entry);
      if (removed) this.sessionEvents.closed(rmNodeId, entry, 'replica-lost');
      if (removed && entry.channelId !== '') {
        this.bus.send(entry.channelReplica, {
          k: 'session-closed',
          channelId: entry.channelId,
          rmNodeId,
          sessionId: entry.sessionId,
          cemNodeId: entry.cemNodeId,
          reason: 'replica-lost',
        });
      }
    }
    for (const [tenantId, channelId] of await this.directory.replicaChannels(replica)) {
      await this.directory.removeChannel(tenantId, channelId, replica);
      const sessions = await this.directory.getMany(await this.directory.tenantSessions(tenantId));
      for (const [rmNodeId, entry] of sessions) {
        if (entry.channelId === channelId)
          await this.bindSomewhere(rmNodeId, entry.sessionId, tenantId, entry.cemNodeId, channelId, channelId);
      }
    }
    await this.directory.forgetReplica(replica);
    await this.bus.forget(replica);
  }
}
