// A pairing attempt after `requestPairing`, as the pairing server sees it. The broker is always the
// communication server towards an RM, so the one valid path is requestConnectionDetails, then
// finalizePairing. Anything else is out of order: 400, and the attempt fails. The same request twice
// is answered the same. Pure: the caller stores the attempt and carries out the effects.

export type AttemptStep = 'challenged' | 'details-sent';

export interface PairingAttempt {
  readonly step: AttemptStep;
  /** Digest of the requestConnectionDetails body that was answered, to recognise a repeat. */
  readonly detailsRequestDigest?: string;
}

export type PairingStepRequest =
  | { readonly operation: 'requestConnectionDetails'; readonly digest: string; readonly responseValid: boolean }
  | { readonly operation: 'postConnectionDetails' }
  | { readonly operation: 'finalizePairing'; readonly success: boolean | undefined };

export type PairingStepDecision =
  /** Issue the connection details (first time) and move to `details-sent`. */
  | { readonly kind: 'issue-details'; readonly next: PairingAttempt }
  /** The same requestConnectionDetails again: answer what was answered before. */
  | { readonly kind: 'repeat-details' }
  /** Store the pairing; the attempt is over. */
  | { readonly kind: 'complete' }
  /** The client gave up (success false); the attempt is over. 204. */
  | { readonly kind: 'abandon' }
  /** The attempt fails and is over. */
  | { readonly kind: 'fail'; readonly status: 400 | 403; readonly reason: string };

export const NEW_ATTEMPT: PairingAttempt = Object.freeze({ step: 'challenged' });

export function decidePairingStep(attempt: PairingAttempt, request: PairingStepRequest): PairingStepDecision {
  switch (request.operation) {
    case 'postConnectionDetails':
      return {
        kind: 'fail',
        status: 400,
        reason: 'this pairing server is the communication server: use requestConnectionDetails',
      };
    case 'requestConnectionDetails':
      if (attempt.step === 'details-sent') {
        return attempt.detailsRequestDigest === request.digest
          ? { kind: 'repeat-details' }
          : { kind: 'fail', status: 400, reason: 'connection details were already requested' };
      }
      if (!request.responseValid) {
        return { kind: 'fail', status: 403, reason: 'serverHmacChallengeResponse not accepted' };
      }
      return { kind: 'issue-details', next: { step: 'details-sent', detailsRequestDigest: request.digest } };
    case 'finalizePairing':
      if (request.success === false) return { kind: 'abandon' };
      if (request.success !== true) return { kind: 'fail', status: 400, reason: 'success must be true or false' };
      if (attempt.step !== 'details-sent') {
        return { kind: 'fail', status: 400, reason: 'finalizePairing before requestConnectionDetails' };
      }
      return { kind: 'complete' };
  }
}
