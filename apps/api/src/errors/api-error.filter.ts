import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { type ErrorBody, sendErrorBody, statusText } from '../../../../libs/http/src/index.js';
import { ApiError, ApiErrorCode } from './api-error.js';

/** The one place where a domain error becomes an HTTP status. */
export const API_ERROR_STATUS: Record<ApiErrorCode, HttpStatus> = {
  [ApiErrorCode.OperatorTokenInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.ClientCredentialsInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.AccessTokenInvalid]: HttpStatus.UNAUTHORIZED,
  [ApiErrorCode.CemNodeNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.ExternalRefTaken]: HttpStatus.CONFLICT,
  [ApiErrorCode.PairingNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.WebhookNotFound]: HttpStatus.NOT_FOUND,
  [ApiErrorCode.DeadLetterNotFound]: HttpStatus.NOT_FOUND,
};

export function apiErrorBody(error: ApiError): ErrorBody {
  const status = API_ERROR_STATUS[error.code];
  return { statusCode: status, error: statusText(status), message: error.message };
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
