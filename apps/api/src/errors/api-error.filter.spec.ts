import { describe, expect, it } from 'vitest';
import {
  AccessTokenInvalidError,
  ApiErrorCode,
  CemNodeNotFoundError,
  ClientCredentialsInvalidError,
  ExternalRefTakenError,
  OperatorTokenInvalidError,
  PeerPairingError,
} from './api-error.js';
import { API_ERROR_STATUS, apiErrorBody } from './api-error.filter.js';

describe('apiErrorBody', () => {
  it.each([
    [new OperatorTokenInvalidError(), 401, 'Unauthorized'],
    [new ClientCredentialsInvalidError(), 401, 'Unauthorized'],
    [new AccessTokenInvalidError(), 401, 'Unauthorized'],
    [new CemNodeNotFoundError(), 404, 'Not Found'],
    [new ExternalRefTakenError(), 409, 'Conflict'],
  ])('maps %s', (error, statusCode, text) => {
    expect(apiErrorBody(error)).toEqual({ statusCode, error: text, message: error.message });
  });

  it("carries the RM endpoint's answer of a failed pairing", () => {
    const peer = { status: 400, errorMessage: 'NoValidPairingTokenOnPairingServer' };
    const error = new PeerPairingError(ApiErrorCode.PairingRefused, 'refused', peer);
    expect(apiErrorBody(error)).toEqual({ statusCode: 409, error: 'Conflict', message: 'refused', peer });
    expect(apiErrorBody(new PeerPairingError(ApiErrorCode.PeerTimeout, 'slow'))).toEqual({
      statusCode: 504,
      error: 'Gateway Timeout',
      message: 'slow',
    });
  });

  it('has a status for every code', () => {
    for (const code of Object.values(ApiErrorCode)) {
      expect(API_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    }
  });
});
