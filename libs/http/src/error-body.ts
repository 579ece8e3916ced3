import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** The one error shape of every HTTP answer the broker gives. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function isMessage(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

/**
 * Maps anything thrown to the public error shape. Only an `HttpException` says what the client may
 * see; anything else is a bug and becomes a bare 500, its details kept for the log.
 */
export function toErrorBody(exception: unknown): ErrorBody {
  if (!(exception instanceof HttpException)) {
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return { statusCode: status, error: statusText(status), message: 'Internal server error' };
  }
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (typeof response === 'string') {
    return { statusCode: status, error: statusText(status), message: response };
  }
  const fields = response as Record<string, unknown>;
  return {
    statusCode: status,
    error: typeof fields.error === 'string' ? fields.error : statusText(status),
    message: isMessage(fields.message) ? fields.message : exception.message,
  };
}
