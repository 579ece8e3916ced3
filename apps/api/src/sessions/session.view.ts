import type { RmEntry } from '../../../../libs/routing/src/session-directory.js';
import type { SessionState } from '../../../../libs/s2-json/src/session-rules.js';

export interface SessionView {
  sessionId: string;
  rmNodeId: string;
  cemNodeId: string;
  s2Version: string;
  controlType: string;
  connectedAt: string;
  /** The replica holding the RM's socket. */
  gateway: string;
}

/** The active control type as the CEM channel's session.opened names it. */
export function controlTypeOf(state: string): string {
  try {
    return (JSON.parse(state) as Partial<SessionState>).activeControlType ?? 'NO_SELECTION';
  } catch {
    return 'NO_SELECTION';
  }
}

export function sessionView(rmNodeId: string, entry: RmEntry): SessionView {
  return {
    sessionId: entry.sessionId,
    rmNodeId,
    cemNodeId: entry.cemNodeId,
    s2Version: entry.s2Version,
    controlType: controlTypeOf(entry.state),
    connectedAt: entry.connectedAt,
    gateway: entry.replica,
  };
}

/** The directory's entry of an RM is the live session of this pairing only if it says so. */
export function isSessionOf(entry: RmEntry | undefined, pairing: { id: string; tenantId: string }): entry is RmEntry {
  return entry !== undefined && entry.tenantId === pairing.tenantId && entry.pairingId === pairing.id;
}
