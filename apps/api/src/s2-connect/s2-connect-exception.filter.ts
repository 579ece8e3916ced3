import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { statusText } from '#http';
import { PairingGateBusyError } from '#connect-state';
import { NotAcceptedError, PairingError, PairingStepError, SessionError } from '#s2-connect';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * Maps S2 Connect's domain errors to its wire format once: check-table errors carry the
 * specification's error message bodies, the rest the broker's usual error shape.
 */
@Catch(PairingError, SessionError, PairingStepError, NotAcceptedError, PairingGateBusyError)
export class S2ConnectExceptionFilter implements ExceptionFilter {
  catch(exception: Error, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<ServerResponse>();
    if (exception instanceof PairingError || exception instanceof SessionError) {
      return send(res, 400, exception.toBody());
    }
    const status =
      exception instanceof PairingStepError ? exception.status : exception instanceof NotAcceptedError ? 401 : 503;
    send(res, status, { statusCode: status, error: statusText(status), message: exception.message });
  }
}
