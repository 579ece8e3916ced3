// What the broker saw of one S2 message of one RM: what the message inspector shows and the message
// history keeps. Written by the gateway replica that reached the verdict, read by the console.

export type InspectedDirection = 'rm_to_cem' | 'cem_to_rm';

/**
 * `delivered`: written to the other side's socket. `rejected`: stopped by the broker's own checks (schema,
 * role, session state, not JSON), answered to the sender with `reply`. `temporary_error`: the other side
 * could not take it; the sender got `reply` (a TEMPORARY_ERROR ReceptionStatus, or for a message without
 * `message_id` nothing).
 */
export type InspectedVerdict = 'delivered' | 'rejected' | 'temporary_error';

export interface InspectedMessage {
  /** When the broker reached its verdict, ms since the epoch. */
  readonly at: number;
  readonly direction: InspectedDirection;
  readonly rmNodeId: string;
  /** The RM's session, '' when the RM had none (a CEM message for an RM that is not connected). */
  readonly sessionId: string;
  readonly verdict: InspectedVerdict;
  /** The message as its sender wrote it: the parsed JSON, or the text itself when it was not JSON. */
  readonly message: unknown;
  /** What the broker answered the sender with (a ReceptionStatus), when it answered. */
  readonly reply?: unknown;
}

/**
 * The JSON text of an InspectedMessage, spliced together from texts the caller already holds: the
 * message as received (`messageIsJson` when it parsed) and the reply as sent, each copied once.
 */
export function inspectedMessageText(
  head: Omit<InspectedMessage, 'message' | 'reply'>,
  messageText: string,
  messageIsJson: boolean,
  replyText?: string,
): string {
  const message = messageIsJson ? messageText : JSON.stringify(messageText);
  const reply = replyText === undefined ? '' : `,"reply":${replyText}`;
  return `{"at":${head.at},"direction":"${head.direction}","rmNodeId":${JSON.stringify(head.rmNodeId)},"sessionId":${JSON.stringify(head.sessionId)},"verdict":"${head.verdict}","message":${message}${reply}}`;
}

/** An InspectedMessage read back from Redis; undefined for text that is not one. */
export function parseInspectedMessage(text: string): InspectedMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v['at'] === 'number' &&
    (v['direction'] === 'rm_to_cem' || v['direction'] === 'cem_to_rm') &&
    typeof v['rmNodeId'] === 'string' &&
    typeof v['sessionId'] === 'string' &&
    (v['verdict'] === 'delivered' || v['verdict'] === 'rejected' || v['verdict'] === 'temporary_error') &&
    'message' in v;
  return ok ? (value as InspectedMessage) : undefined;
}
