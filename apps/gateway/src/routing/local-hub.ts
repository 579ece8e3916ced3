import type { WebSocket } from 'ws';
import type { HistoryPolicy } from '#inspection';
import type { S2JsonVersion, SessionState } from '#s2-json';
import type { HeldQueue } from './cem-hold.js';
import type { LastWritten } from './outcomes.js';
import type { SerialQueue } from './serial-queue.js';

/** An RM session whose socket this replica holds. */
export interface LocalRm {
  readonly rmNodeId: string;
  readonly sessionId: string;
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly pairingId: string;
  readonly s2Version: S2JsonVersion;
  readonly socket: WebSocket;
  state: SessionState;
  /** Bound CEM channel, '' for none; effective once that channel's replica wrote session.opened. */
  channelId: string;
  channelReplica: string;
  /** Frames of this session are handled one after another, behind its registration. */
  readonly queue: SerialQueue;
  /** Resolves the wait for the first binding. */
  bound?: () => void;
  closeReason?: string;
  /** The last CEM message written to this RM that came from another replica. */
  lastWritten?: LastWritten;
  /** How much of this session's traffic its tenant keeps (null: none). */
  history: HistoryPolicy | null;
  /** Messages of this RM sent to a channel whose outcome is not known yet, and that channel. */
  inFlight: number;
  sentTo: string;
  /** The RM's messages numbered as they are sent to a channel, and the newest of them delivered. */
  sent: number;
  lastDelivered: number;
  /** Messages waiting for a CEM channel (the CEM hold), while there are any. */
  held: HeldQueue | undefined;
  /** The RM's descriptions (RmEntry.descriptions) until the session is registered; then undefined. */
  descriptions: string | undefined;
}

/** Where a session bound to a local channel is: its RM's replica, and the order of what came from it. */
export interface BoundSession {
  sessionId: string;
  replica: string;
  cemNodeId: string;
  lastWritten?: LastWritten;
}

/** A CEM channel whose socket this replica holds. */
export interface LocalChannel {
  readonly channelId: string;
  readonly tenantId: string;
  /** Whose JWT opened the channel: revoking that account closes it. */
  readonly serviceAccountId: string;
  readonly cemNodeIds: ReadonlySet<string> | null;
  readonly socket: WebSocket;
  /** The sessions bound to this channel: rmNodeId -> where the RM is. */
  readonly bound: Map<string, BoundSession>;
  /** Envelopes for this channel are handled in arrival order. */
  readonly queue: SerialQueue;
  closed: boolean;
  /** pairing.removed frames held back until the session.closed of that RM has been written. */
  readonly afterClose: Map<string, string>;
}

/** Whether a channel (or a directory entry of one) takes sessions of this CEM node. */
export function serves(
  channel: { cemNodeIds: ReadonlySet<string> | readonly string[] | null },
  cemNodeId: string,
): boolean {
  if (channel.cemNodeIds === null) return true;
  return channel.cemNodeIds instanceof Set
    ? channel.cemNodeIds.has(cemNodeId)
    : (channel.cemNodeIds as readonly string[]).includes(cemNodeId);
}

/**
 * The sockets this replica holds: the RM sessions by RM, the CEM channels by id. The only owner of
 * both maps; everything else asks it.
 */
export class LocalHub {
  private readonly rmsById = new Map<string, LocalRm>();
  private readonly channelsById = new Map<string, LocalChannel>();

  get rmCount(): number {
    return this.rmsById.size;
  }

  get channelCount(): number {
    return this.channelsById.size;
  }

  /** Holds a new session of its RM; returns the session of the same RM it replaces here, if any. */
  addRm(rm: LocalRm): LocalRm | undefined {
    const older = this.rmsById.get(rm.rmNodeId);
    this.rmsById.set(rm.rmNodeId, rm);
    return older;
  }

  /** Lets go of a session, unless a newer one of its RM took its place. */
  removeRm(rm: LocalRm): void {
    if (this.rmsById.get(rm.rmNodeId) === rm) this.rmsById.delete(rm.rmNodeId);
  }

  rm(rmNodeId: string): LocalRm | undefined {
    return this.rmsById.get(rmNodeId);
  }

  /** The RM's session here if it is the one named. */
  session(rmNodeId: string, sessionId: string): LocalRm | undefined {
    const rm = this.rmsById.get(rmNodeId);
    return rm?.sessionId === sessionId ? rm : undefined;
  }

  /** A copy: callers close sockets while they walk it. */
  rms(tenantId?: string): LocalRm[] {
    const all = [...this.rmsById.values()];
    return tenantId === undefined ? all : all.filter((rm) => rm.tenantId === tenantId);
  }

  addChannel(channel: LocalChannel): void {
    this.channelsById.set(channel.channelId, channel);
  }

  removeChannel(channel: LocalChannel): void {
    this.channelsById.delete(channel.channelId);
  }

  channel(channelId: string): LocalChannel | undefined {
    return this.channelsById.get(channelId);
  }

  /** A copy, like `rms`. */
  channels(tenantId?: string): LocalChannel[] {
    const all = [...this.channelsById.values()];
    return tenantId === undefined ? all : all.filter((channel) => channel.tenantId === tenantId);
  }
}
