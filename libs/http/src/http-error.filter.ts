import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isDependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from './dependency-outage.js';
import { statusText, toErrorBody } from './error-body.js';
import { sendErrorBody } from './send-error-body.js';
import { TooManyRequestsError } from './too-many-requests.js';

const UNAVAILABLE = 'a service the broker depends on is unavailable; try again later';

/**
 * Answers every failed HTTP request, unknown routes included, with `{statusCode, error, message}` and
 * never a stack trace. Unexpected errors are logged here, with their stack, since the client learns
 * nothing about them. An outage of PostgreSQL or Redis is 503 with Retry-After.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger.child({ component: 'http' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      // WebSocket and other contexts have their own error protocol.
      throw exception;
    }
    const res = host.switchToHttp().getResponse<ServerResponse>();
    if (!(exception instanceof HttpException) && isDependencyOutage(exception)) {
      // PostgreSQL or Redis away: the request was fine, the client is to come back, not to give up.
      this.logger.warn({ err: { message: (exception as Error).message } }, 'a dependency is unavailable');
      if (!res.headersSent) res.setHeader('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
      sendErrorBody(res, { statusCode: 503, error: statusText(503), message: UNAVAILABLE });
      return;
    }
    const body = toErrorBody(exception);
    if (exception instanceof TooManyRequestsError && !res.headersSent) {
      res.setHeader('retry-after', String(exception.retryAfterSeconds));
    }
    if (!(exception instanceof HttpException)) {
      this.logger.error({ err: exception }, 'unhandled error in HTTP handler');
    }
    sendErrorBody(res, body);
  }
}
