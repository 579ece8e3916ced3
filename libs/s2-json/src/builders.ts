import { randomUUID } from 'node:crypto';
import type {
  HandshakeResponse,
  ReceptionStatus,
  ReceptionStatusValues,
  SessionRequest,
  SessionRequestType,
} from './messages.js';
import type { S2JsonVersion } from './versions.js';

/**
 * `subject_message_id` when the frame had no usable `message_id` (not JSON, or no valid id): the
 * schema requires one, and the nil UUID cannot collide with an id a peer generated.
 */
export const UNKNOWN_MESSAGE_ID = '00000000-0000-0000-0000-000000000000';

/** The `ID` schema's pattern. It is unanchored, as published: any string containing a match is an ID. */
const ID_PATTERN = /[a-zA-Z0-9\-_:]{2,64}/u;

/** Whether `value` can be echoed as `subject_message_id` and still be a valid ReceptionStatus. */
export function isUsableMessageId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Diagnostic labels are for debugging, not for carrying a whole validation report. */
const MAX_DIAGNOSTIC_LABEL = 512;

export function receptionStatus(
  subjectMessageId: string,
  status: ReceptionStatusValues,
  diagnosticLabel?: string,
): ReceptionStatus {
  const message: ReceptionStatus = { message_type: 'ReceptionStatus', subject_message_id: subjectMessageId, status };
  if (diagnosticLabel !== undefined) message.diagnostic_label = diagnosticLabel.slice(0, MAX_DIAGNOSTIC_LABEL);
  return message;
}

/** The answer to a frame that is not JSON, or has no `message_type` or usable `message_id`. */
export function invalidDataStatus(diagnosticLabel: string, messageId?: unknown): ReceptionStatus {
  return receptionStatus(
    isUsableMessageId(messageId) ? messageId : UNKNOWN_MESSAGE_ID,
    'INVALID_DATA',
    diagnosticLabel,
  );
}

export function sessionRequest(
  request: SessionRequestType,
  diagnosticLabel?: string,
  messageId: string = randomUUID(),
): SessionRequest {
  const message: SessionRequest = { message_type: 'SessionRequest', message_id: messageId, request };
  if (diagnosticLabel !== undefined) message.diagnostic_label = diagnosticLabel.slice(0, MAX_DIAGNOSTIC_LABEL);
  return message;
}

/**
 * The broker's answer to an RM's Handshake: the version S2 Connect negotiated. Older libraries spell
 * versions without the leading `v` in their Handshake; the answer uses the RM's own spelling.
 */
export function handshakeResponse(
  negotiated: S2JsonVersion,
  rmSupportedVersions: readonly string[] = [],
  messageId: string = randomUUID(),
): HandshakeResponse {
  const bare = negotiated.slice(1);
  const selected = rmSupportedVersions.includes(negotiated) || !rmSupportedVersions.includes(bare) ? negotiated : bare;
  return { message_type: 'HandshakeResponse', message_id: messageId, selected_protocol_version: selected };
}
