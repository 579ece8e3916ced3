// Turns a server's error answer into an S2ConnectClientError: 400 bodies name the failed check.
import { validateBody } from '#s2-connect';
import { S2ConnectClientError, type ClientStep } from './errors.js';
import type { HttpAnswer } from './http.js';

const HINTS: Record<number, string> = {
  401: 'not authorized',
  403: 'the server did not accept our serverHmacChallengeResponse',
  404: 'no such operation at this URL',
  500: 'server error, try again later',
  503: 'the server cannot take this now, try again soon',
};

/** For the operations whose 400 carries a PairingResponseErrorMessage or CommunicationDetailsErrorMessage. */
export function rejected(
  step: ClientStep,
  answer: HttpAnswer,
  body?: 'PairingResponseErrorMessage' | 'CommunicationDetailsErrorMessage',
): S2ConnectClientError {
  const status = answer.status;
  if (status === 400 && body !== undefined) {
    const parsed = validateBody(body, answer.json);
    if (parsed.ok) {
      const { errorMessage, additionalInfo } = parsed.value;
      const detail = `HTTP 400 ${errorMessage}${additionalInfo === undefined ? '' : `: ${additionalInfo}`}`;
      return new S2ConnectClientError('REJECTED', step, detail, { status, errorMessage, additionalInfo });
    }
  }
  const hint = HINTS[status] ?? (status === 400 ? 'the server did not understand the request' : undefined);
  return new S2ConnectClientError('REJECTED', step, `HTTP ${status}${hint === undefined ? '' : ` (${hint})`}`, {
    status,
  });
}
