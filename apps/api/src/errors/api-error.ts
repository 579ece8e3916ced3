/** Every failure the api role answers on purpose. `ApiErrorFilter` gives each its HTTP status. */
export enum ApiErrorCode {
  OperatorTokenInvalid = 'operator_token_invalid',
  ClientCredentialsInvalid = 'client_credentials_invalid',
  AccessTokenInvalid = 'access_token_invalid',
  CemNodeNotFound = 'cem_node_not_found',
  ExternalRefTaken = 'external_ref_taken',
  PairingNotFound = 'pairing_not_found',
  CemNodeQuotaExceeded = 'cem_node_quota_exceeded',
  RmNotFound = 'rm_not_found',
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
  /** `field` names it in a batch (`nodes[3].externalRef`); `detail` says what holds it. */
  constructor(field = 'externalRef', detail = 'another CEM node of this tenant has it') {
    super(ApiErrorCode.ExternalRefTaken, `${field}: ${detail}`);
  }
}

/** Also for another tenant's RM. */
export class PairingNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.PairingNotFound, 'pairing not found');
  }
}

export class CemNodeQuotaExceededError extends ApiError {
  constructor(max: number, existing: number, adding: number) {
    super(
      ApiErrorCode.CemNodeQuotaExceeded,
      `maxCemNodes: the tenant may have ${max} CEM nodes; it has ${existing}, so ${adding} more would exceed the quota`,
    );
  }
}

/** An RM not paired with any of the caller's CEM nodes, whether or not another tenant has it. */
export class RmNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.RmNotFound, 'RM not found');
  }
}
