import { HttpException, HttpStatus } from '@nestjs/common';

/** 429: the caller spent a budget; `Retry-After` says when the window that holds it ends. */
export class TooManyRequestsError extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'too many attempts; try again later',
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}
