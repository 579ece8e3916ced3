/** Every failure the api role answers on purpose. `ApiErrorFilter` gives each its HTTP status. */
export enum ApiErrorCode {
  OperatorTokenInvalid = 'operator_token_invalid',
  ClientCredentialsInvalid = 'client_credentials_invalid',
  AccessTokenInvalid = 'access_token_invalid',
  CemNodeNotFound = 'cem_node_not_found',
  ExternalRefTaken = 'external_ref_taken',
  PairingNotFound = 'pairing_not_found',
  WebhookNotFound = 'webhook_not_found',
  DeadLetterNotFound = 'dead_letter_not_found',
}

/** A domain error: its message is written for the client, so it never holds a secret or an internal detail. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class OperatorTokenInvalidError extends ApiError {
  constructor() {
    super(ApiErrorCode.OperatorTokenInvalid, 'missing or invalid operator token');
  }
}

/** One message for an unknown client, a wrong secret, a revoked account and a suspended tenant. */
export class ClientCredentialsInvalidError extends ApiError {
  constructor() {
    super(ApiErrorCode.ClientCredentialsInvalid, 'invalid client credentials');
  }
}

export class AccessTokenInvalidError extends ApiError {
  constructor() {
    super(ApiErrorCode.AccessTokenInvalid, 'missing, invalid or expired access token');
  }
}

/** Also for another tenant's node: whether it exists elsewhere is none of the caller's business. */
export class CemNodeNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.CemNodeNotFound, 'CEM node not found');
  }
}

export class ExternalRefTakenError extends ApiError {
  constructor() {
    super(ApiErrorCode.ExternalRefTaken, 'externalRef: another CEM node of this tenant has it');
  }
}

/** Also for another tenant's RM. */
export class PairingNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.PairingNotFound, 'pairing not found');
  }
}

/** Also for another tenant's webhook endpoint. */
export class WebhookNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.WebhookNotFound, 'webhook not found');
  }
}

/** No dead letter with this id on this endpoint (delivered, still pending, or another tenant's). */
export class DeadLetterNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.DeadLetterNotFound, 'dead letter not found');
  }
}
