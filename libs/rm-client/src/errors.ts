// What the RM side of S2 Connect reports when pairing or session initiation does not go through.
import type { CommunicationDetailsErrorMessage, PairingResponseErrorMessage } from '#s2-connect';

/** The HTTP operation that failed, so a caller can tell a lost pairing from a lost session. */
export type ClientStep =
  | 'selectApiVersion'
  | 'requestPairing'
  | 'requestConnectionDetails'
  | 'postConnectionDetails'
  | 'finalizePairing'
  | 'initiateSession'
  | 'confirmAccessToken'
  | 'unpair';

export type ClientErrorCode =
  /** The arguments cannot start the exchange (bad pairing code, URL or node). */
  | 'INVALID_INPUT'
  /** No HTTP answer: connection refused, DNS, TLS. */
  | 'UNREACHABLE'
  /** No answer in time (a pairing attempt lives 15 s). */
  | 'TIMEOUT'
  /** The server answered with an error status; `status` and, for 400, `errorMessage` say which. */
  | 'REJECTED'
  /** The answer does not follow the schema or offers something we did not ask for. */
  | 'INVALID_RESPONSE'
  /** The server's clientHmacChallengeResponse is wrong: it does not know the pairing token. */
  | 'CHALLENGE_MISMATCH'
  /** The server implements no API version we do. */
  | 'INCOMPATIBLE_API_VERSION';

export type ServerErrorMessage =
  PairingResponseErrorMessage['errorMessage'] | CommunicationDetailsErrorMessage['errorMessage'];

export interface ClientErrorDetails {
  readonly status?: number;
  readonly errorMessage?: ServerErrorMessage;
  readonly additionalInfo?: string;
  readonly cause?: unknown;
}

/** Never carries a token, a pairing code or a pairing attempt id: messages end up in logs. */
export class S2ConnectClientError extends Error {
  override readonly name = 'S2ConnectClientError';
  readonly status: number | undefined;
  readonly errorMessage: ServerErrorMessage | undefined;
  readonly additionalInfo: string | undefined;

  constructor(
    readonly code: ClientErrorCode,
    readonly step: ClientStep,
    detail: string,
    details: ClientErrorDetails = {},
  ) {
    super(oneLine(`${step}: ${detail}`), details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.errorMessage = details.errorMessage;
    this.additionalInfo = details.additionalInfo;
  }
}

/** A server's `additionalInfo` is free text; keep our messages one line for stderr and logs. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
