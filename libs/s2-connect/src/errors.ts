// The error vocabulary of S2 Connect v1, as its OpenAPI files spell it.
import type { CommunicationDetailsErrorMessage, PairingResponseErrorMessage } from './generated/types.js';

export type PairingErrorCode = PairingResponseErrorMessage['errorMessage'];
export type SessionErrorCode = CommunicationDetailsErrorMessage['errorMessage'];

/** A `requestPairing` check failed: 400 with a PairingResponseErrorMessage. */
export class PairingError extends Error {
  constructor(
    readonly code: PairingErrorCode,
    readonly additionalInfo?: string,
  ) {
    super(additionalInfo === undefined ? code : `${code}: ${additionalInfo}`);
    this.name = 'PairingError';
  }

  toBody(): PairingResponseErrorMessage {
    return this.additionalInfo === undefined
      ? { errorMessage: this.code }
      : { errorMessage: this.code, additionalInfo: this.additionalInfo };
  }
}

/** An `initiateSession` check failed: 400 with a CommunicationDetailsErrorMessage. */
export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    readonly additionalInfo?: string,
  ) {
    super(additionalInfo === undefined ? code : `${code}: ${additionalInfo}`);
    this.name = 'SessionError';
  }

  toBody(): CommunicationDetailsErrorMessage {
    return this.additionalInfo === undefined
      ? { errorMessage: this.code }
      : { errorMessage: this.code, additionalInfo: this.additionalInfo };
  }
}

/**
 * The steps after `requestPairing` answer with bare status codes: 400 (not understood, out of order),
 * 401 (attempt id not accepted), 403 (challenge response wrong).
 */
export type PairingStepStatus = 400 | 401 | 403;

export class PairingStepError extends Error {
  constructor(
    readonly status: PairingStepStatus,
    message: string,
  ) {
    super(message);
    this.name = 'PairingStepError';
  }
}

/** Session initiation and unpairing answer a token they do not accept with a bare 401. */
export class NotAcceptedError extends Error {
  constructor(message = 'access token not accepted') {
    super(message);
    this.name = 'NotAcceptedError';
  }
}
