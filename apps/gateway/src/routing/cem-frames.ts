// The CEM channel's frames, broker to CEM software. S2 messages arrive as validated JSON text and are
// spliced in as is: no second serialisation on the hot path.

export interface SessionInfo {
  readonly sessionId: string;
  readonly rmNodeId: string;
  readonly cemNodeId: string;
}

export function messageFrame(session: SessionInfo, messageJson: string): string {
  return `{"type":"message","sessionId":${JSON.stringify(session.sessionId)},"rmNodeId":${JSON.stringify(session.rmNodeId)},"cemNodeId":${JSON.stringify(session.cemNodeId)},"message":${messageJson}}`;
}

export function sessionOpenedFrame(session: {
  sessionId: string;
  rmNodeId: string;
  cemNodeId: string;
  s2Version: string;
  rmNodeDescription: unknown;
  rmEndpointDescription: unknown;
  controlType: string;
  snapshot: unknown[];
}): string {
  return JSON.stringify({ type: 'session.opened', session });
}

export function sessionClosedFrame(session: SessionInfo, reason: string): string {
  // Field by field: what is passed in may carry more (an envelope's routing fields), the frame must not.
  const { sessionId, rmNodeId, cemNodeId } = session;
  return JSON.stringify({ type: 'session.closed', sessionId, rmNodeId, cemNodeId, reason });
}

export function pairingFrame(
  type: 'pairing.created' | 'pairing.removed',
  rmNodeId: string,
  cemNodeId: string,
  reason?: string,
): string {
  return JSON.stringify(reason === undefined ? { type, rmNodeId, cemNodeId } : { type, rmNodeId, cemNodeId, reason });
}

export type ErrorCode = 'invalid_frame' | 'unknown_rm' | 'unavailable' | 'undeliverable';

/** What an error frame is about, besides the frame's `ref`: the RM and the S2 message. */
export interface ErrorSubject {
  readonly rmNodeId?: string;
  readonly messageId?: string;
}

export function errorFrame(code: ErrorCode, detail: string, ref?: unknown, subject: ErrorSubject = {}): string {
  const { rmNodeId, messageId } = subject;
  return JSON.stringify({ type: 'error', ref, rmNodeId, messageId, code, detail });
}

/** A CEM frame `{"type":"message","rmNodeId","ref"?,"message"}`. */
export interface CemMessageFrame {
  readonly ok: true;
  readonly rmNodeId: string;
  readonly ref: unknown;
  readonly message: Record<string, unknown>;
  /** When it was read from the socket (a `preciseNow`), carried along for the routing latency. */
  readonly readAt: number;
}

/** A CEM frame, or why it is not one. */
export function parseCemFrame(text: string, readAt = 0): CemMessageFrame | { ok: false; ref: unknown; detail: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, ref: undefined, detail: 'frame is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, ref: undefined, detail: 'frame is not a JSON object' };
  }
  const frame = value as Record<string, unknown>;
  const ref = frame['ref'];
  if (frame['type'] !== 'message') return { ok: false, ref, detail: 'type must be "message"' };
  if (typeof frame['rmNodeId'] !== 'string') return { ok: false, ref, detail: 'rmNodeId must be a string' };
  // Looked up in PostgreSQL, which cannot hold one: refused here rather than failing there.
  if (frame['rmNodeId'].includes('\u0000')) return { ok: false, ref, detail: 'rmNodeId must not contain NUL' };
  const message = frame['message'];
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, ref, detail: 'message must be an S2 JSON message object' };
  }
  return { ok: true, rmNodeId: frame['rmNodeId'], ref, message: message as Record<string, unknown>, readAt };
}
