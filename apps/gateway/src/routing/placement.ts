import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { WebsocketGrant } from '#connect-state';
import { type Bound, type CloseRm, type RmEntry, sessionClosed } from '#cluster';
import type { HistoryPolicy } from '#inspection';
import { INITIAL_SESSION_STATE, sessionRequest } from '#s2-json';
import { BIND_WAIT_MS, CLOSE } from '../limits.js';
import { closeSocket, write } from '../sockets/sockets.js';
import type { LocalRm } from './local-hub.js';
import type { RoutingContext } from './routing-context.js';
import { SerialQueue } from './serial-queue.js';
import type { Binding } from './binding.js';

const RESTORE_BATCH = 500;

/**
 * Placement: the RM sessions of this replica in the directory, and which CEM channel each is bound to.
 * Each session is bound to exactly one channel of its tenant (or none while the tenant has none);
 * binding (see Binding) becomes effective here only once the channel's replica has written
 * `session.opened` and told this replica (`bound`), so that no message overtakes it.
 */
export class Placement {
  /** Told when a session of this replica is bound anew (or unbound). */
  onBound: (rm: LocalRm) => void = () => undefined;
  /** Told when a session of this replica ended. */
  onEnded: (rm: LocalRm) => void = () => undefined;

  constructor(
    private readonly ctx: RoutingContext,
    private readonly binding: Binding,
  ) {}

  private get replicaId(): string {
    return this.ctx.bus.replicaId;
  }

  // ---- RM sessions ---------------------------------------------------------------------------

  openRm(
    grant: WebsocketGrant,
    socket: WebSocket,
    history: HistoryPolicy | null,
    descriptions: string | undefined,
  ): LocalRm {
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
      descriptions,
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
    const entry = this.entryOf(rm);
    const previous = await this.ctx.directory.register(
      rm.rmNodeId,
      rm.descriptions === undefined ? entry : { ...entry, descriptions: rm.descriptions },
    );
    rm.descriptions = undefined;
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
    // Fresh: the session's frames wait behind this registration, so nothing of it is saved yet.
    await this.binding.bindSomewhere(rm.rmNodeId, rm.sessionId, rm.tenantId, rm.cemNodeId, '', undefined, true);
  }

  /**
   * After the shared state was lost: this replica's channels and sessions go back into the directory as
   * they are (a session keeps the channel it is bound to, which still holds it), unless a newer session
   * of the RM registered meanwhile; sessions without a channel look for one.
   */
  async restore(): Promise<void> {
    const { directory, hub } = this.ctx;
    for (const channel of hub.channels()) {
      const cemNodeIds = channel.cemNodeIds === null ? null : [...channel.cemNodeIds];
      await directory.addChannel(channel.tenantId, {
        channelId: channel.channelId,
        replica: this.replicaId,
        cemNodeIds,
      });
    }
    const rms = hub.rms();
    // A few hundred at a time: a replica holds tens of thousands.
    for (let i = 0; i < rms.length; i += RESTORE_BATCH) {
      await Promise.all(
        rms.slice(i, i + RESTORE_BATCH).map(async (rm) => {
          const entry = { ...this.entryOf(rm), channelId: rm.channelId, channelReplica: rm.channelReplica };
          if (!(await directory.restore(rm.rmNodeId, entry)) || rm.channelId !== '') return;
          await this.binding.bindSomewhere(rm.rmNodeId, rm.sessionId, rm.tenantId, rm.cemNodeId, '');
        }),
      );
    }
    // Sessions of other replicas that lost their channel with it find this one.
    for (const channel of hub.channels()) {
      channel.queue.run(() =>
        this.binding.adopt(channel, channel.cemNodeIds === null ? null : [...channel.cemNodeIds]),
      );
    }
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
          await this.binding.bindSomewhere(rmNodeId, entry.sessionId, tenantId, entry.cemNodeId, channelId, channelId);
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
