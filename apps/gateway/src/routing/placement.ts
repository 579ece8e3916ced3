import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { WebsocketGrant } from '#connect-state';
import {
  type Bound,
  type CloseRm,
  type RmEntry,
  type SaveSnapshot,
  type SessionClosed,
  type SessionOpen,
  sessionClosed,
} from '#cluster';
import type { HistoryPolicy } from '#inspection';
import { INITIAL_SESSION_STATE, type SessionState, sessionRequest } from '#s2-json';
import { BIND_WAIT_MS, CLOSE } from '../limits.js';
import { closeSocket, write, writeGathered } from '../sockets/sockets.js';
import { sessionClosedFrame, sessionOpenedFrame } from './cem-frames.js';
import { type LocalChannel, type LocalRm, serves } from './local-hub.js';
import type { Outcome } from './outcomes.js';
import type { RoutingContext } from './routing-context.js';
import { SerialQueue } from './serial-queue.js';

/**
 * Placement: which CEM channel each live RM session is bound to. Each session is bound to exactly one
 * channel of its tenant (or none while the tenant has none); binding is decided against the directory
 * and becomes effective only once the channel's replica has written `session.opened` and told the RM's
 * replica (`bound`), so that no message overtakes it. Channels that connect take the sessions that have
 * none; sessions of a channel that goes away move to the tenant's other channels.
 */
export class Placement {
  /** Told when a session of this replica is bound anew (or unbound). */
  onBound: (rm: LocalRm) => void = () => undefined;
  /** Told when a session of this replica ended. */
  onEnded: (rm: LocalRm) => void = () => undefined;

  constructor(private readonly ctx: RoutingContext) {}

  private get replicaId(): string {
    return this.ctx.bus.replicaId;
  }

  // ---- RM sessions ---------------------------------------------------------------------------

  openRm(grant: WebsocketGrant, socket: WebSocket, history: HistoryPolicy | null): LocalRm {
    const { rmNodeId } = grant;
    // Every field from the start: one object shape for all sessions, none growing a property store.
    const rm: LocalRm = {
      rmNodeId,
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
        this.ctx.logger.error({ err: error, rmNodeId }, 'RM session work failed'),
      ),
      bound: undefined,
      closeReason: undefined,
      lastWritten: undefined,
      history,
      inFlight: 0,
      sentTo: '',
      sent: 0,
      lastDelivered: 0,
      held: undefined,
    };
    const older = this.ctx.hub.addRm(rm);
    if (older) closeRm(older, CLOSE.replaced, 'replaced');
    const firstBinding = new Promise<void>((resolve) => {
      rm.bound = resolve;
      setTimeout(resolve, BIND_WAIT_MS).unref();
    });
    rm.queue.run(() => this.register(rm).then(() => firstBinding));
    return rm;
  }

  private async register(rm: LocalRm): Promise<void> {
    const previous = await this.ctx.directory.register(rm.rmNodeId, this.entryOf(rm));
    if (previous && previous.sessionId !== rm.sessionId) {
      // The old session's own replica can no longer remove it (the entry is this session's now), and
      // may be dead: the CEM hears of its end from here, before the new session opens.
      const reason = (await this.ctx.bus.isAlive(previous.replica)) ? 'replaced' : 'replica-lost';
      this.ended(rm.rmNodeId, previous, reason);
      if (previous.replica !== this.replicaId) {
        this.ctx.bus.send(previous.replica, {
          kind: 'close-rm',
          rmNodeId: rm.rmNodeId,
          sessionId: previous.sessionId,
          reason: 'replaced',
        });
      }
    }
    this.ctx.sessionEvents.opened(rm.rmNodeId, rm);
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

  /** The socket closed (for whatever reason): the session ends everywhere. */
  async closedRm(rm: LocalRm, reason: string): Promise<void> {
    this.ctx.hub.removeRm(rm);
    await rm.queue.idle();
    this.onEnded(rm);
    const removed = await this.ctx.directory.remove(rm.rmNodeId, {
      sessionId: rm.sessionId,
      tenantId: rm.tenantId,
      replica: this.replicaId,
    });
    if (removed) this.ended(rm.rmNodeId, rm, reason);
  }

  /** A session that ended: its webhook event, and `session.closed` on the channel it was bound to. */
  private ended(
    rmNodeId: string,
    session: Pick<RmEntry, 'tenantId' | 'cemNodeId' | 'sessionId' | 'channelId' | 'channelReplica'>,
    reason: string,
  ): void {
    this.ctx.sessionEvents.closed(rmNodeId, session, reason);
    if (session.channelId !== '') {
      this.ctx.bus.send(session.channelReplica, sessionClosed(session.channelId, rmNodeId, session, reason));
    }
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
    const { directory, bus } = this.ctx;
    const candidates = [];
    const reachable = this.reachability();
    for (const channel of await directory.channels(tenantId)) {
      if (channel.channelId === exclude || !serves(channel, cemNodeId)) continue;
      if (await reachable(channel.replica)) candidates.push(channel);
    }
    const pick = candidates[Math.floor(Math.random() * candidates.length)];
    if (!pick) {
      if (expected !== '') await directory.bind(rmNodeId, sessionId, expected, '', '');
      const entry = await directory.get(rmNodeId);
      if (entry && entry.sessionId === sessionId) {
        bus.send(entry.replica, { kind: 'bound', rmNodeId, sessionId, channelId: '', channelReplica: '' });
      }
      return;
    }
    if (await directory.bind(rmNodeId, sessionId, expected, pick.channelId, pick.replica)) {
      bus.send(pick.replica, { kind: 'session-open', channelId: pick.channelId, rmNodeId, sessionId });
    }
  }

  /** Asks the bus once per replica, for one walk over a tenant's channels. */
  private reachability(): (replica: string) => Promise<boolean> {
    const answers = new Map<string, Promise<boolean>>();
    return (replica) => {
      let answer = answers.get(replica);
      if (answer === undefined) answers.set(replica, (answer = this.ctx.bus.isReachable(replica)));
      return answer;
    };
  }

  /** The RM's replica learns which channel its session is bound to now. */
  onBoundEnvelope(envelope: Bound): void {
    const rm = this.ctx.hub.session(envelope.rmNodeId, envelope.sessionId);
    if (!rm) return;
    rm.channelId = this.ctx.names.intern(envelope.channelId);
    rm.channelReplica = this.ctx.names.intern(envelope.channelReplica);
    rm.bound?.();
    // Held by tens of thousands of idle sessions otherwise.
    rm.bound = undefined;
    this.onBound(rm);
  }

  onCloseRm(envelope: CloseRm): void {
    const rm = this.ctx.hub.session(envelope.rmNodeId, envelope.sessionId);
    if (rm) closeRm(rm, CLOSE.replaced, envelope.reason);
  }

  // ---- CEM channels ----------------------------------------------------------------------------

  openChannel(
    { tenantId, serviceAccountId }: { tenantId: string; serviceAccountId: string },
    cemNodeIds: string[] | null,
    socket: WebSocket,
  ): LocalChannel {
    const channel: LocalChannel = {
      channelId: randomUUID(),
      tenantId,
      serviceAccountId,
      cemNodeIds: cemNodeIds === null ? null : new Set(cemNodeIds),
      socket,
      bound: new Map(),
      queue: new SerialQueue((error: unknown) => this.ctx.logger.error({ err: error }, 'channel work failed')),
      closed: false,
      afterClose: new Map(),
    };
    this.ctx.hub.addChannel(channel);
    channel.queue.run(() => this.adopt(channel, cemNodeIds));
    return channel;
  }

  /**
   * A new channel takes the tenant's sessions that have no live channel: none, or one whose replica can
   * no longer be reached (killed a moment ago, long before the reaper would notice).
   */
  private async adopt(channel: LocalChannel, cemNodeIds: string[] | null): Promise<void> {
    const { directory } = this.ctx;
    await directory.addChannel(channel.tenantId, {
      channelId: channel.channelId,
      replica: this.replicaId,
      cemNodeIds,
    });
    const live = new Set<string>();
    const reachable = this.reachability();
    for (const other of await directory.channels(channel.tenantId)) {
      if (await reachable(other.replica)) live.add(other.channelId);
    }
    const entries = await directory.getMany(await directory.tenantSessions(channel.tenantId));
    for (const [rmNodeId, entry] of entries) {
      if (!serves(channel, entry.cemNodeId)) continue;
      if (entry.channelId !== '' && live.has(entry.channelId)) continue;
      if (await directory.bind(rmNodeId, entry.sessionId, entry.channelId, channel.channelId, this.replicaId)) {
        await this.openSessionOn(channel, rmNodeId, entry.sessionId);
      }
    }
  }

  /** Writes session.opened for a session just bound to a local channel, then tells the RM's replica. */
  private async openSessionOn(channel: LocalChannel, rmNodeId: string, sessionId: string): Promise<void> {
    const entry = await this.ctx.directory.get(rmNodeId);
    if (!entry || entry.sessionId !== sessionId || entry.channelId !== channel.channelId) return;
    if (channel.closed) {
      const { tenantId, cemNodeId } = entry;
      await this.bindSomewhere(rmNodeId, sessionId, tenantId, cemNodeId, channel.channelId, channel.channelId);
      return;
    }
    const [saved, descriptions] = await Promise.all([
      this.savedSnapshot(entry.replica, rmNodeId, sessionId),
      this.ctx.pairings.descriptions(entry.pairingId),
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
      replica: this.ctx.names.intern(entry.replica),
      cemNodeId: entry.cemNodeId,
      lastWritten: undefined,
    });
    this.ctx.bus.send(entry.replica, {
      kind: 'bound',
      rmNodeId,
      sessionId,
      channelId: channel.channelId,
      channelReplica: this.replicaId,
    });
  }

  /**
   * The session's snapshot and state as its RM's replica last saw them: that replica saves what it holds
   * first (the RM's messages are saved behind, see the session directory). If it does not answer in
   * time, what the directory has.
   */
  private async savedSnapshot(
    rmReplica: string,
    rmNodeId: string,
    sessionId: string,
  ): Promise<{ snapshot: Record<string, string>; state: string | undefined }> {
    if (rmReplica === this.replicaId) await this.ctx.directory.saveNow(sessionId);
    else {
      await new Promise<void>((resolve) => {
        const id = this.ctx.outcomes.track(rmReplica, () => resolve());
        this.ctx.bus.send(rmReplica, { kind: 'save-snapshot', id, from: this.replicaId, sessionId });
      });
    }
    return this.ctx.directory.savedSession(rmNodeId, sessionId);
  }

  onSaveSnapshot(envelope: SaveSnapshot): void {
    const answer = (outcome: Outcome) => this.ctx.bus.send(envelope.from, { kind: 'ack', id: envelope.id, outcome });
    this.ctx.directory.saveNow(envelope.sessionId).then(
      () => answer('delivered'),
      () => answer('gone'),
    );
  }

  /** The channel's socket closed: its sessions move to the tenant's other channels. */
  async closedChannel(channel: LocalChannel): Promise<void> {
    channel.closed = true;
    this.ctx.hub.removeChannel(channel);
    await channel.queue.idle();
    await this.ctx.directory.removeChannel(channel.tenantId, channel.channelId, this.replicaId);
    for (const [rmNodeId, target] of channel.bound) {
      const { sessionId, cemNodeId } = target;
      await this.bindSomewhere(rmNodeId, sessionId, channel.tenantId, cemNodeId, channel.channelId, channel.channelId);
    }
    channel.bound.clear();
  }

  onSessionOpen(envelope: SessionOpen): void {
    const { channelId, rmNodeId, sessionId } = envelope;
    const channel = this.ctx.hub.channel(channelId);
    if (channel) {
      channel.queue.run(() => this.openSessionOn(channel, rmNodeId, sessionId));
      return;
    }
    // The channel is gone from here: the session moves on.
    this.rebindOff(channelId, rmNodeId, sessionId).catch((error: unknown) =>
      this.ctx.logger.error({ err: error }, 'rebinding failed'),
    );
  }

  private async rebindOff(channelId: string, rmNodeId: string, sessionId: string): Promise<void> {
    const entry = await this.ctx.directory.get(rmNodeId);
    if (entry) await this.bindSomewhere(rmNodeId, sessionId, entry.tenantId, entry.cemNodeId, channelId, channelId);
  }

  onSessionClosed(envelope: SessionClosed): void {
    const channel = this.ctx.hub.channel(envelope.channelId);
    if (!channel) return;
    channel.queue.run(() => {
      if (channel.bound.get(envelope.rmNodeId)?.sessionId !== envelope.sessionId) return;
      channel.bound.delete(envelope.rmNodeId);
      writeGathered(channel.socket, sessionClosedFrame(envelope, envelope.reason));
      const held = channel.afterClose.get(envelope.rmNodeId);
      if (held !== undefined) {
        channel.afterClose.delete(envelope.rmNodeId);
        writeGathered(channel.socket, held);
      }
    });
  }

  /**
   * A pairing event for this replica's channels of the tenant; pairing.removed waits (up to two
   * seconds) for the session.closed of a session bound here, so that the CEM sees them in that order.
   */
  pairingEvent(tenantId: string, cemNodeId: string, rmNodeId: string, frame: string, removed: boolean): void {
    for (const channel of this.ctx.hub.channels(tenantId)) {
      if (!serves(channel, cemNodeId)) continue;
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
    const { directory, bus } = this.ctx;
    const rms = await directory.getMany(await directory.replicaRms(replica));
    for (const [rmNodeId, entry] of rms) {
      if (entry.replica !== replica) continue;
      if (await directory.remove(rmNodeId, entry)) this.ended(rmNodeId, entry, 'replica-lost');
    }
    for (const [tenantId, channelId] of await directory.replicaChannels(replica)) {
      await directory.removeChannel(tenantId, channelId, replica);
      const sessions = await directory.getMany(await directory.tenantSessions(tenantId));
      for (const [rmNodeId, entry] of sessions) {
        if (entry.channelId === channelId)
          await this.bindSomewhere(rmNodeId, entry.sessionId, tenantId, entry.cemNodeId, channelId, channelId);
      }
    }
    await directory.forgetReplica(replica);
    await bus.forget(replica);
  }
}

/** Ends an RM session from the broker's side: SessionRequest first when asked, then the close. */
export function closeRm(rm: LocalRm, code: number, reason: string, request?: 'RECONNECT'): void {
  rm.closeReason ??= reason;
  if (request) write(rm.socket, JSON.stringify(sessionRequest(request, reason)));
  closeSocket(rm.socket, code, reason);
}
