// The steps after requestPairing, as the pairing server sees them (S2 Connect v1.0.0 steps 6A to 10).
// The broker is always the communication server towards an RM, so 6A (requestConnectionDetails) is the
// one path; the attempt-id rows of the tables (401) are the caller's, which looks the attempt up.
import { describe, expect, it } from 'vitest';
import {
  decidePairingStep,
  NEW_ATTEMPT,
  type PairingAttempt,
  type PairingStepDecision,
  type PairingStepRequest,
} from './pairing-attempt.js';

const SENT: PairingAttempt = { step: 'details-sent', detailsRequestDigest: 'd1' };
const details = (digest: string, responseValid: boolean): PairingStepRequest => ({
  operation: 'requestConnectionDetails',
  digest,
  responseValid,
});
const finalize = (success: boolean | undefined): PairingStepRequest => ({ operation: 'finalizePairing', success });

type Expected = PairingStepDecision['kind'] | 400 | 403;

describe('decidePairingStep', () => {
  it.each<[string, PairingAttempt, PairingStepRequest, Expected]>([
    // 6A and 7A: the server checks serverHmacChallengeResponse; a wrong one fails the attempt (403).
    ['6A with the right response', NEW_ATTEMPT, details('d1', true), 'issue-details'],
    ['7A: 6A with a wrong response', NEW_ATTEMPT, details('d1', false), 403],
    ['6A repeated with the same body', SENT, details('d1', true), 'repeat-details'],
    ['6A again with another body', SENT, details('d2', true), 400],
    // 6B: this server is the communication server, so postConnectionDetails is out of order (400).
    ['6B before 6A', NEW_ATTEMPT, { operation: 'postConnectionDetails' }, 400],
    ['6B after 6A', SENT, { operation: 'postConnectionDetails' }, 400],
    // 9: finalizePairing. "The request is not understood for any other reason": 400.
    ['9 success true after 6A', SENT, finalize(true), 'complete'],
    ['9 success true before 6A', NEW_ATTEMPT, finalize(true), 400],
    ['9 success missing', SENT, finalize(undefined), 400],
    // Interruption: the client may give up at any step with success false.
    ['9 success false before 6A', NEW_ATTEMPT, finalize(false), 'abandon'],
    ['9 success false after 6A', SENT, finalize(false), 'abandon'],
  ])('%s', (_name, attempt, request, expected) => {
    const decision = decidePairingStep(attempt, request);
    expect(decision.kind === 'fail' ? decision.status : decision.kind).toBe(expected);
  });

  it('moves to details-sent remembering the body that was answered', () => {
    expect(decidePairingStep(NEW_ATTEMPT, details('d1', true))).toEqual({
      kind: 'issue-details',
      next: { step: 'details-sent', detailsRequestDigest: 'd1' },
    });
  });
});
