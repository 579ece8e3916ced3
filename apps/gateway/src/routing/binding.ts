import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { RmEntry, SaveSnapshot, SessionClosed, SessionOpen } from '#cluster';
import type { SessionState } from '#s2-json';
import { writeGathered } from '../sockets/sockets.js';
import { sessionClosedFrame, sessionOpenedFrame } from './cem-frames.js';
import { type LocalChannel, serves } from './local-hub.js';
import type { Outcome } from './outcomes.js';
import type { RoutingContext } from './routing-context.js';
import { SerialQueue } from './serial-queue.js';

const ADOPT_BATCH = 200;

const NOTHING_SAVED = { snapshot: {}, state: undefined } as const;

interface Descriptions {
  readonly rmNodeDescription: unknown;
  readonly rmEndpointDescription: unknown;
}

interface PreparedOpen {
  readonly rmNodeId: string;
  readonly sessionId: string;
  readonly entry: RmEntry;
  readonly saved: { readonly snapshot: Readonly<Record<string, string>>; readonly state: string | undefined };
  readonly descriptions: Descriptions | undefined;
}

/**
 * Binding, the CEM channels' side of placement: which of its tenant's channels a session is bound to,
 * `session.opened` written on the channel (with the snapshot the RM's replica saved first) before the
 * RM's replica is told (`bound`), channels that connect taking the sessions that have none, and the
 * sessions of a channel that goes away moving to the tenant's others.
 */
export class Binding {
  constructor(private readonly ctx: RoutingContext) {}

  private get replicaId(): string {
    return this.ctx.bus.replicaId;
  }

  /**
   * Binds a session to one of its tenant's CEM channels (not `exclude`), or leaves it unbound. The
   * channel's replica writes session.opened and then tells the RM's replica, so that no message
   * reaches the channel before session.opened does.
   */
  async bindSomewhere(
    rmNodeId: string,
    sessionId: string,
    tenantId: string,
    cemNodeId: string,
    expected: string,
    exclude?: string,
    fresh?: true,
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
      bus.send(pick.replica, { kind: 'session-open', channelId: pick.channelId, rmNodeId, sessionId, fresh });
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
  openChannel(
    { tenantId, serviceAccountId }: { tenantId: string; serviceAccountId: string },
    cemNodeIds: string[] | null,
    socket: WebSocket,
  ): LocalChannel {
    const channelId = randomUUID();
    const channel: LocalChannel = {
      channelId,
      tenantId,
      serviceAccountId,
      cemNodeIds: cemNodeIds === null ? null : new Set(cemNodeIds),
      socket,
      bound: new Map(),
      queue: new SerialQueue((error: unknown) =>
        this.ctx.logger.error({ err: error, tenantId, channelId }, 'channel work failed'),
      ),
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
  async adopt(channel: LocalChannel, cemNodeIds: string[] | null): Promise<void> {
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
    const orphans = [...entries].filter(
      ([, entry]) => serves(channel, entry.cemNodeId) && !(entry.channelId !== '' && live.has(entry.channelId)),
    );
    // A batch at a time, each binding and its look-ups at once: a channel that takes over a dead one's
    // sessions takes thousands, and one after another they took seconds.
    for (let at = 0; at < orphans.length; at += ADOPT_BATCH) {
      const opens = await Promise.all(
        orphans
          .slice(at, at + ADOPT_BATCH)
          .map(async ([rmNodeId, entry]) =>
            (await directory.bind(rmNodeId, entry.sessionId, entry.channelId, channel.channelId, this.replicaId))
              ? this.prepareOpen(channel, rmNodeId, entry.sessionId, false)
              : undefined,
          ),
      );
      for (const open of opens) await this.commitOpen(channel, open);
    }
  }

  /**
   * What session.opened needs for a session just bound to a local channel: its entry, snapshot and
   * descriptions. Looked up as soon as the binding is known, concurrently with other sessions' look-ups;
   * the frames are written in order by `commitOpen`.
   */
  private async prepareOpen(
    channel: LocalChannel,
    rmNodeId: string,
    sessionId: string,
    fresh: boolean,
  ): Promise<PreparedOpen | undefined> {
    const entry = await this.ctx.directory.get(rmNodeId);
    if (!entry || entry.sessionId !== sessionId || entry.channelId !== channel.channelId) return undefined;
    const [saved, descriptions] = await Promise.all([
      fresh ? NOTHING_SAVED : this.savedSnapshot(entry.replica, rmNodeId, sessionId),
      entry.descriptions === undefined
        ? this.ctx.pairings.descriptions(entry.pairingId)
        : (JSON.parse(entry.descriptions) as Descriptions),
    ]);
    return { rmNodeId, sessionId, entry, saved, descriptions };
  }

  /** Writes session.opened on the channel, then tells the RM's replica; or rebinds if the channel closed. */
  private async commitOpen(channel: LocalChannel, open: PreparedOpen | undefined): Promise<void> {
    if (open === undefined) return;
    const { rmNodeId, sessionId, entry, saved, descriptions } = open;
    if (channel.closed) {
      const { tenantId, cemNodeId } = entry;
      await this.bindSomewhere(rmNodeId, sessionId, tenantId, cemNodeId, channel.channelId, channel.channelId);
      return;
    }
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
      // The look-ups start now, for every session bound at once; the queue keeps the frames in order.
      const open = this.prepareOpen(channel, rmNodeId, sessionId, envelope.fresh === true);
      open.catch(() => undefined);
      channel.queue.run(() => open.then((prepared) => this.commitOpen(channel, prepared)));
      return;
    }
    // The channel is gone from here: the session moves on.
    this.rebindOff(channelId, rmNodeId, sessionId).catch((error: unknown) =>
      this.ctx.logger.error({ err: error, rmNodeId, sessionId, channelId }, 'rebinding failed'),
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
}
