import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { toErrorBody } from './error-body.js';
import { sendErrorBody } from './send-error-body.js';

/**
 * Answers every failed HTTP request, unknown routes included, with `{statusCode, error, message}` and
 * never a stack trace. Unexpected errors are logged here, with their stack, since the client learns
 * nothing about them.
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
    const body = toErrorBody(exception);
    if (!(exception instanceof HttpException)) {
      this.logger.error({ err: exception }, 'unhandled error in HTTP handler');
    }
    sendErrorBody(host.switchToHttp().getResponse<ServerResponse>(), body);
  }
}
