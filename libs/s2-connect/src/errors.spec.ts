import { describe, expect, it } from 'vitest';
import { PairingError, SessionError } from './errors.js';
import { validateBody } from './schemas.js';

describe('error bodies follow the OpenAPI schemas', () => {
  it.each([
    [new PairingError('NodeNotFound'), { errorMessage: 'NodeNotFound' }],
    [
      new PairingError('Other', 'the node cannot pair now'),
      { errorMessage: 'Other', additionalInfo: 'the node cannot pair now' },
    ],
  ])('PairingError %#', (error, expected) => {
    expect(error.toBody()).toEqual(expected);
    expect(validateBody('PairingResponseErrorMessage', error.toBody()).ok).toBe(true);
  });

  it.each([
    [new SessionError('NoLongerPaired'), { errorMessage: 'NoLongerPaired' }],
    [
      new SessionError('ParsingError', '/x must be string'),
      { errorMessage: 'ParsingError', additionalInfo: '/x must be string' },
    ],
  ])('SessionError %#', (error, expected) => {
    expect(error.toBody()).toEqual(expected);
    expect(validateBody('CommunicationDetailsErrorMessage', error.toBody()).ok).toBe(true);
  });
});
