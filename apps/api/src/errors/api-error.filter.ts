import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { type ErrorBody, sendErrorBody, statusText } from '#http';
import { ApiError, ApiErrorCode, type PeerAnswer, PeerPairingError } from './api-error.js';

/** The one place where a domain error becomes an HTTP status. */
export const API_ERROR_STATUS: Record<ApiErrorCode, HttpStatus> = {
  [ApiErrorCode.OperatorTokenInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.ClientCredentialsInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.AccessTokenInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.CemNodeNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.ExternalRefTaken]: HttpStatus.CONFLICT,
  [ApiErrorCode.PairingNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.TenantNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.ServiceAccountNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.LastActiveServiceAccount]: HttpStatus.CONFLICT,
  [ApiErrorCode.ServiceAccountRevoked]: HttpStatus.CONFLICT,
  [ApiErrorCode.PairingUrlInvalid]: HttpStatus.BAD_REQUEST,
  [ApiErrorCode.PairingClientUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  // The RM endpoint, or what the user typed, says no: the caller's to fix, not the broker's.
  [ApiErrorCode.PairingRefused]: HttpStatus.CONFLICT,
  [ApiErrorCode.PairingCodeRejected]: HttpStatus.UNPROCESSABLE_ENTITY,
  // The RM endpoint failed or broke the protocol: a gateway's failure, retrying may help.
  [ApiErrorCode.PeerFailed]: HttpStatus.BAD_GATEWAY,
  [ApiErrorCode.PeerTimeout]: HttpStatus.GATEWAY_TIMEOUT,
  // The request is fine; the tenant's state (its quota) does not allow it now.
  [ApiErrorCode.CemNodeQuotaExceeded]: HttpStatus.CONFLICT,
  [ApiErrorCode.RmNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.WebhookNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.DeadLetterNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.SignInInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.NotSignedIn]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.CsrfTokenInvalid]: HttpStatus.FORBIDDEN,
  [ApiErrorCode.RoleForbidden]: HttpStatus.FORBIDDEN,
  [ApiErrorCode.InvitationInvalid]: HttpStatus.BAD_REQUEST,
  [ApiErrorCode.InvitationGone]: HttpStatus.GONE,
  [ApiErrorCode.EmailTaken]: HttpStatus.CONFLICT,
  [ApiErrorCode.UserNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.OwnAccountChange]: HttpStatus.CONFLICT,
  [ApiErrorCode.InspectorStreamsExhausted]: HttpStatus.TOO_MANY_REQUESTS,
};

export function apiErrorBody(error: ApiError): ErrorBody & { peer?: PeerAnswer } {
  const status = API_ERROR_STATUS[error.code];
  const body = { statusCode: status, error: statusText(status), message: error.message };
  return error instanceof PeerPairingError && error.peer !== undefined ? { ...body, peer: error.peer } : body;
}

/**
 * Applied to the api role's controllers (see `api-controller.ts`). A global filter cannot do it: the
 * process-wide catch-all filter would always be asked first.
 */
@Catch(ApiError)
export class ApiErrorFilter implements ExceptionFilter<ApiError> {
  catch(error: ApiError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const res = host.switchToHttp().getResponse<ServerResponse>();
    if (error.code === ApiErrorCode.AccessTokenInvalid && !res.headersSent) {
      res.setHeader('www-authenticate', 'Bearer');
    }
    sendErrorBody(res, apiErrorBody(error));
  }
}
