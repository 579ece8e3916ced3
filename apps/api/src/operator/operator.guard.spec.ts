import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { Config } from '#config';
import { OperatorTokenInvalidError } from '../errors/api-error.js';
import { OperatorGuard } from './operator.guard.js';

const TOKEN = 'operator-token-0123456789abcdefghijklmnop';
const guard = new OperatorGuard({ operatorToken: TOKEN } as Config);

function contextWith(authorization: string | undefined): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization } };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('OperatorGuard', () => {
  it('lets the operator token through', () => {
    expect(guard.canActivate(contextWith(`Bearer ${TOKEN}`))).toBe(true);
  });

  it.each([undefined, '', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, 'Bearer '])(
    'refuses %j',
    (header) => {
      expect(() => guard.canActivate(contextWith(header))).toThrow(OperatorTokenInvalidError);
    },
  );
});
