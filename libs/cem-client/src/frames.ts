// The frames of the broker's CEM channel (`GET /cem/v1/ws`), as the product contract defines them.
// Self-contained on purpose: this package is installed on its own, so the S2 and S2 Connect types are
// written here as the channel carries them, not taken from the broker's generated ones.

/**
 * An S2 message as the broker forwards it. The broker validated it against the session's version; this
 * client only checks that it is an object with a string `message_type`.
 */
export interface ChannelS2Message {
  readonly message_type: string;
  readonly [field: string]: unknown;
}

/** The RM's S2 Connect node description, as it sent it when pairing. */
export interface NodeDescription {
  readonly id: string;
  readonly brand: string;
  readonly logoUrl?: string;
  readonly type: string;
  readonly modelName: string;
  readonly userDefinedName?: string;
  readonly role: string;
  readonly [field: string]: unknown;
}

/** The RM's S2 Connect endpoint description. */
export interface EndpointDescription {
  readonly name?: string;
  readonly logoUrl?: string;
  readonly deployment?: string;
  readonly [field: string]: unknown;
}

export interface SessionInfo {
  readonly sessionId: string;
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  readonly s2Version: string;
  readonly rmNodeDescription: NodeDescription;
  readonly rmEndpointDescription: EndpointDescription;
  /** The active control type; null when none is (a broker that leaves the field out means the same). */
  readonly controlType: string | null;
  /** The last message of each type the RM sent: what a CEM taking over needs without asking again. */
  readonly snapshot: readonly ChannelS2Message[];
}

export interface SessionOpenedFrame {
  readonly type: 'session.opened';
  readonly session: SessionInfo;
}

export interface MessageFrame {
  readonly type: 'message';
  readonly sessionId: string;
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  readonly message: ChannelS2Message;
}

export interface SessionClosedFrame {
  readonly type: 'session.closed';
  readonly sessionId: string;
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  readonly reason: string;
}

/** The contract names rmNodeId and cemNodeId and leaves room for more; the rest is kept as sent. */
export interface PairingFrame<T extends 'pairing.created' | 'pairing.removed'> {
  readonly type: T;
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  readonly [field: string]: unknown;
}

export type PairingCreatedFrame = PairingFrame<'pairing.created'>;
export type PairingRemovedFrame = PairingFrame<'pairing.removed'>;

/** A frame of ours the broker could not take (bad envelope, unknown RM), or a message it could not deliver. */
export interface ErrorFrame {
  readonly type: 'error';
  /** The `ref` of the frame it answers, when that frame had one. */
  readonly ref?: string;
  /** For `undeliverable`: the RM the message was for. */
  readonly rmNodeId?: string;
  /** For `undeliverable`: the S2 `message_id` (for a ReceptionStatus, its `subject_message_id`). */
  readonly messageId?: string;
  readonly code: string;
  readonly detail: string;
}

export type BrokerFrame =
  SessionOpenedFrame | MessageFrame | SessionClosedFrame | PairingCreatedFrame | PairingRemovedFrame | ErrorFrame;

export type BrokerFrameType = BrokerFrame['type'];

export const BROKER_FRAME_TYPES: readonly BrokerFrameType[] = [
  'session.opened',
  'message',
  'session.closed',
  'pairing.created',
  'pairing.removed',
  'error',
];

/** CEM software to broker: an S2 message for one RM. */
export interface OutgoingMessageFrame {
  readonly type: 'message';
  readonly rmNodeId: string;
  /** Echoed in an `error` frame about this one, so the sender can tell which frame failed. */
  readonly ref?: string;
  readonly message: ChannelS2Message;
}
