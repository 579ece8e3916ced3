import { z } from 'zod';
import type { RmEntry } from '#cluster';
import type { SessionState } from '#s2-json';
import { pairingViewSchema } from '../pairings/pairing.view.js';
import { component, isoDateTime } from '../openapi/components.js';

export const sessionViewSchema = component(
  'Session',
  z.object({
    sessionId: z.string(),
    rmNodeId: z.string(),
    cemNodeId: z.uuid(),
    s2Version: z.string(),
    controlType: z.string(),
    connectedAt: isoDateTime,
    gateway: z.string().meta({ description: "the replica holding the RM's socket" }),
  }),
);

export type SessionView = z.output<typeof sessionViewSchema>;

export const sessionListSchema = component('SessionList', z.object({ items: z.array(sessionViewSchema) }));

/** `GET /rms/{rmNodeId}`: the pairing, the live session if any, and the RM's last messages. */
export const rmViewSchema = component(
  'Rm',
  z.object({
    pairing: pairingViewSchema,
    // Inline: OpenAPI 3.0 cannot make a $ref nullable.
    session: z.object(sessionViewSchema.shape).nullable(),
    snapshot: z.array(z.unknown()),
  }),
);

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
