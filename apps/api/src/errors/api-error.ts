/** Every failure the api role answers on purpose. `ApiErrorFilter` gives each its HTTP status. */
export enum ApiErrorCode {
  OperatorTokenInvalid = 'operator_token_invalid',
  ClientCredentialsInvalid = 'client_credentials_invalid',
  AccessTokenInvalid = 'access_token_invalid',
  CemNodeNotFound = 'cem_node_not_found',
  ExternalRefTaken = 'external_ref_taken',
  PairingNotFound = 'pairing_not_found',
  TenantNotFound = 'tenant_not_found',
  ServiceAccountNotFound = 'service_account_not_found',
  LastActiveServiceAccount = 'last_active_service_account',
  ServiceAccountRevoked = 'service_account_revoked',
  PairingUrlInvalid = 'pairing_url_invalid',
  PairingClientUnavailable = 'pairing_client_unavailable',
  PairingRefused = 'pairing_refused',
  PairingCodeRejected = 'pairing_code_rejected',
  PeerFailed = 'peer_failed',
  PeerTimeout = 'peer_timeout',
  CemNodeQuotaExceeded = 'cem_node_quota_exceeded',
  RmNotFound = 'rm_not_found',
  WebhookNotFound = 'webhook_not_found',
  DeadLetterNotFound = 'dead_letter_not_found',
  SignInInvalid = 'sign_in_invalid',
  NotSignedIn = 'not_signed_in',
  CsrfTokenInvalid = 'csrf_token_invalid',
  RoleForbidden = 'role_forbidden',
  InvitationInvalid = 'invitation_invalid',
  InvitationGone = 'invitation_gone',
  EmailTaken = 'email_taken',
  UserNotFound = 'user_not_found',
  OwnAccountChange = 'own_account_change',
  InspectorStreamsExhausted = 'inspector_streams_exhausted',
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

export class TenantNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.TenantNotFound, 'tenant not found');
  }
}

/** Also for another tenant's account. */
export class ServiceAccountNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.ServiceAccountNotFound, 'service account not found');
  }
}

/** Revoking it would lock the tenant out: only the operator could let it back in. */
export class LastActiveServiceAccountError extends ApiError {
  constructor() {
    super(
      ApiErrorCode.LastActiveServiceAccount,
      "the tenant's last active service account cannot be revoked: create another one first",
    );
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

export class ServiceAccountRevokedError extends ApiError {
  constructor() {
    super(ApiErrorCode.ServiceAccountRevoked, 'service account is revoked');
  }
}

export class PairingUrlInvalidError extends ApiError {
  constructor(problem: string) {
    super(ApiErrorCode.PairingUrlInvalid, `pairingUrl: ${problem}`);
  }
}

/** The broker cannot send the `certificateFingerprint` S2 Connect requires: it has no CA certificate. */
export class PairingClientUnavailableError extends ApiError {
  constructor() {
    super(ApiErrorCode.PairingClientUnavailable, 'this broker is not set up to pair as client (no CA certificate)');
  }
}

/** What the RM endpoint answered, when it answered something: S2 Connect's own words, passed on. */
export interface PeerAnswer {
  readonly status: number;
  readonly errorMessage?: string;
  readonly additionalInfo?: string;
}

export type PeerErrorCode =
  ApiErrorCode.PairingRefused | ApiErrorCode.PairingCodeRejected | ApiErrorCode.PeerFailed | ApiErrorCode.PeerTimeout;

/** Pairing with an RM endpoint did not go through; `peer` carries its answer when there was one. */
export class PeerPairingError extends ApiError {
  constructor(
    code: PeerErrorCode,
    message: string,
    readonly peer?: PeerAnswer,
  ) {
    super(code, message);
  }
}

/** An RM not paired with any of the caller's CEM nodes, whether or not another tenant has it. */
export class RmNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.RmNotFound, 'RM not found');
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

/** One message for an unknown email, a wrong password, a disabled user and a suspended tenant. */
export class SignInInvalidError extends ApiError {
  constructor() {
    super(ApiErrorCode.SignInInvalid, 'wrong email or password');
  }
}

/** No console session cookie, or one whose session ended (signed out, idle, expired, user deleted). */
export class NotSignedInError extends ApiError {
  constructor() {
    super(ApiErrorCode.NotSignedIn, 'not signed in');
  }
}

export class CsrfTokenInvalidError extends ApiError {
  constructor() {
    super(ApiErrorCode.CsrfTokenInvalid, 'CSRF token missing or wrong');
  }
}

/** A signed-in user whose role does not allow the request. */
export class RoleForbiddenError extends ApiError {
  constructor(why: string) {
    super(ApiErrorCode.RoleForbidden, why);
  }
}

export class InvitationInvalidError extends ApiError {
  constructor() {
    super(ApiErrorCode.InvitationInvalid, 'token: not an invitation of this broker');
  }
}

/** The invitation was used already, or its week is over: the inviter must send a new one. */
export class InvitationGoneError extends ApiError {
  constructor(why: 'spent' | 'expired') {
    super(ApiErrorCode.InvitationGone, `the invitation is ${why === 'spent' ? 'already used' : 'expired'}`);
  }
}

export class EmailTakenError extends ApiError {
  constructor() {
    super(ApiErrorCode.EmailTaken, 'email: a user with this email exists');
  }
}

/** Also for another tenant's user. */
export class UserNotFoundError extends ApiError {
  constructor() {
    super(ApiErrorCode.UserNotFound, 'user not found');
  }
}

/** Disabling oneself or changing one's own role: it could leave the tenant without an admin. */
export class OwnAccountChangeError extends ApiError {
  constructor() {
    super(ApiErrorCode.OwnAccountChange, 'another admin must disable you or change your role');
  }
}

/** The tenant holds as many live inspector streams as the deployment allows (`INSPECTOR_STREAMS_PER_TENANT`). */
export class InspectorStreamsExhaustedError extends ApiError {
  constructor(max: number) {
    super(
      ApiErrorCode.InspectorStreamsExhausted,
      `the tenant may hold ${max} live message streams at once: close one first`,
    );
  }
}
