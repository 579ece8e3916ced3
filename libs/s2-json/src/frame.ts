// The per-frame pipeline of a session: parse, validate against the session's S2 JSON version, check
// the sender's role and the session state. It decides; the caller does the I/O.
import {
  handshakeResponse,
  invalidDataStatus,
  isUsableMessageId,
  receptionStatus,
  UNKNOWN_MESSAGE_ID,
} from './builders.js';
import type { Handshake, HandshakeResponse, ReceptionStatus, Role, S2Message } from './messages.js';
import { applyMessage, checkMessage, type SessionState } from './session-rules.js';
import { describeErrors, validateMessage, type ValidationError } from './validate.js';
import type { S2JsonVersion } from './versions.js';

export interface FrameContext {
  readonly version: S2JsonVersion;
  readonly sender: Role;
  readonly state: SessionState;
}

export type FrameOutcome =
  /** Send `message` on to the other side; `state` is the session state after it. */
  | { readonly kind: 'forward'; readonly message: S2Message; readonly state: SessionState }
  /**
   * An RM's Handshake, answered by the broker with `replies`; nothing goes to the CEM. `state` awaits the
   * RM's ReceptionStatus for the HandshakeResponse.
   */
  | {
      readonly kind: 'handshake';
      readonly replies: readonly [ReceptionStatus, HandshakeResponse];
      readonly state: SessionState;
    }
  /** The RM's ReceptionStatus for the broker's HandshakeResponse: nothing to send, `state` after it. */
  | { readonly kind: 'consume'; readonly state: SessionState }
  /** Stopped: `reply` goes back to the sender only. */
  | {
      readonly kind: 'reject';
      readonly reply: ReceptionStatus;
      readonly messageType: string | undefined;
      readonly errors: readonly ValidationError[];
    };

function rejectWith(
  reply: ReceptionStatus,
  messageType: string | undefined,
  errors: readonly ValidationError[] = [],
): FrameOutcome {
  return { kind: 'reject', reply, messageType, errors };
}

/** Parses a text frame. Anything that is not a JSON object with a string `message_type` is INVALID_DATA. */
export function parseFrame(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; reply: ReceptionStatus } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reply: invalidDataStatus('frame is not JSON') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reply: invalidDataStatus('frame is not a JSON object') };
  }
  const record = value as Record<string, unknown>;
  if (typeof record['message_type'] !== 'string') {
    return { ok: false, reply: invalidDataStatus('frame has no message_type', record['message_id']) };
  }
  // A ReceptionStatus names its subject instead of having an id of its own.
  if (record['message_type'] !== 'ReceptionStatus' && !isUsableMessageId(record['message_id'])) {
    return { ok: false, reply: invalidDataStatus('frame has no usable message_id') };
  }
  return { ok: true, value: record };
}

export function inspectFrame(text: string, context: FrameContext): FrameOutcome {
  const parsed = parseFrame(text);
  if (!parsed.ok) return rejectWith(parsed.reply, undefined);
  return inspectMessage(parsed.value, context);
}

/** The same pipeline for a message that is already parsed (the CEM channel carries them inside frames). */
export function inspectMessage(value: Record<string, unknown>, context: FrameContext): FrameOutcome {
  const messageId = value['message_id'];
  const subject = isUsableMessageId(messageId) ? messageId : UNKNOWN_MESSAGE_ID;
  const result = validateMessage(context.version, value);
  if (!result.valid) {
    return rejectWith(
      receptionStatus(subject, 'INVALID_MESSAGE', describeErrors(result.errors)),
      result.messageType,
      result.errors,
    );
  }
  const message = result.message;
  const verdict = checkMessage(context.state, context.sender, message);
  switch (verdict.outcome) {
    case 'forward':
      return { kind: 'forward', message, state: applyMessage(context.state, context.sender, message) };
    case 'handshake': {
      const handshake = message as Handshake;
      const response = handshakeResponse(context.version, handshake.supported_protocol_versions ?? []);
      return {
        kind: 'handshake',
        replies: [receptionStatus(handshake.message_id, 'OK'), response],
        state: { ...context.state, handshakeResponseId: response.message_id },
      };
    }
    case 'consume':
      return { kind: 'consume', state: { ...context.state, handshakeResponseId: null } };
    case 'reject':
      return rejectWith(receptionStatus(subject, verdict.status, verdict.diagnosticLabel), message.message_type);
  }
}
