import type { WebSocket } from 'ws';
import type { LastWritten } from './outcomes.js';
import type { SerialQueue } from './serial-queue.js';
import type { SessionState } from '#s2-json';
import type { S2JsonVersion } from '#s2-json';

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
  readonly bound: Map<string, { sessionId: string; replica: string; cemNodeId: string; lastWritten?: LastWritten }>;
  /** Envelopes for this channel are handled in arrival order. */
  readonly queue: SerialQueue;
  closed: boolean;
  /** pairing.removed frames held back until the session.closed of that RM has been written. */
  readonly afterClose: Map<string, string>;
}

export function serves(
  channel: { cemNodeIds: ReadonlySet<string> | readonly string[] | null },
  cemNodeId: string,
): boolean {
  if (channel.cemNodeIds === null) return true;
  return channel.cemNodeIds instanceof Set
    ? channel.cemNodeIds.has(cemNodeId)
    : (channel.cemNodeIds as readonly string[]).includes(cemNodeId);
}
