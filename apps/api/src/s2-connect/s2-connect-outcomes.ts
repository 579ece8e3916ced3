import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { PairingGateBusyError } from '#connect-state';
import { Metrics, noteOnRequestLog, type PairingStep, type SessionStartStep } from '#observability';
import { NotAcceptedError, PairingError, PairingStepError, SessionError } from '#s2-connect';

/** `NoLongerPaired` -> `no_longer_paired`: label values in Prometheus's usual case. */
const snake = (name: string) => name.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase();

const STEP_STATUS: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden' };

/**
 * The outcome label of an S2 Connect request: `ok`, the S2 Connect error it was answered with (its
 * `errorMessage` in snake case), or the class of a bare answer. A bounded set: nothing a caller sends
 * becomes a label value.
 */
export function s2ConnectOutcome(error?: unknown): string {
  if (error === undefined) return 'ok';
  if (error instanceof PairingError || error instanceof SessionError) return snake(error.code);
  if (error instanceof NotAcceptedError) return 'unauthorized';
  if (error instanceof PairingStepError) return STEP_STATUS[error.status] ?? 'invalid';
  if (error instanceof PairingGateBusyError) return 'busy';
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 429) return 'rate_limited';
    if (status < 500) return STEP_STATUS[status] ?? 'invalid';
  }
  return 'error';
}

const SESSION_STEPS: ReadonlySet<string> = new Set<SessionStartStep>(['initiateSession', 'confirmAccessToken']);
const PAIRING_STEPS: ReadonlySet<string> = new Set<PairingStep>([
  'requestPairing',
  'requestConnectionDetails',
  'postConnectionDetails',
  'finalizePairing',
]);

/**
 * Counts each session-start and pairing request of S2 Connect by step (the handler's name, which is
 * the operation's) and outcome, a refused one's outcome on its log line too. Requests a guard refused (the per-address budget) never reach a step.
 */
@Injectable()
export class S2ConnectOutcomes implements NestInterceptor {
  constructor(private readonly metrics: Metrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const step = context.getHandler().name;
    const counter = SESSION_STEPS.has(step)
      ? this.metrics.sessionStarts
      : PAIRING_STEPS.has(step)
        ? this.metrics.pairingAttempts
        : undefined;
    if (counter === undefined) return next.handle();
    return next.handle().pipe(
      tap({
        complete: () => counter.inc({ step, outcome: 'ok' }),
        error: (error: unknown) => {
          const outcome = s2ConnectOutcome(error);
          counter.inc({ step, outcome });
          noteOnRequestLog({ outcome });
        },
      }),
    );
  }
}
