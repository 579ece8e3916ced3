import type * as V0_0_2_beta from './generated/v0_0_2_beta/types.js';
import type * as V1_0_0 from './generated/v1_0_0/types.js';

export type { V0_0_2_beta, V1_0_0 };

/** A message of any supported S2 JSON version. */
export type S2Message = V1_0_0.S2Message | V0_0_2_beta.S2Message;
export type MessageType = S2Message['message_type'];

export type ControlType = V1_0_0.ControlType;
export type ReceptionStatusValues = V1_0_0.ReceptionStatusValues;
export type ReceptionStatus = V1_0_0.ReceptionStatus;
export type SessionRequest = V1_0_0.SessionRequest;
export type SessionRequestType = V1_0_0.SessionRequestType;
export type Handshake = V1_0_0.Handshake;
export type HandshakeResponse = V1_0_0.HandshakeResponse;

/** The side of an S2 session that sent a message. */
export type Role = 'RM' | 'CEM';

export const ROLES: readonly Role[] = ['RM', 'CEM'];

/** The statuses the broker itself answers with when it stops a message. */
export type RejectStatus = Extract<ReceptionStatusValues, 'INVALID_DATA' | 'INVALID_MESSAGE' | 'INVALID_CONTENT'>;
