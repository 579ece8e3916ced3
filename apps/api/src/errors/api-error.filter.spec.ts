import { describe, expect, it } from 'vitest';
import {
  AccessTokenInvalidError,
  ApiErrorCode,
  CemNodeNotFoundError,
  ClientCredentialsInvalidError,
  ExternalRefTakenError,
  OperatorTokenInvalidError,
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

  it('has a status for every code', () => {
    for (const code of Object.values(ApiErrorCode)) {
      expect(API_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    }
  });
});
