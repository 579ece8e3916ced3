import type { ExecutionContext } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { Config } from '#config';
import { OperatorTokenInvalidError } from '../errors/api-error.js';
import { OperatorGuard } from './operator.guard.js';
import { unlimitedRateLimits } from '../rate-limit/testing.js';

const TOKEN = 'operator-token-0123456789abcdefghijklmnop';
const guard = new OperatorGuard({ operatorToken: TOKEN } as Config, unlimitedRateLimits());

function contextWith(authorization: string | undefined): ExecutionContext {
  const request = {
    headers: authorization === undefined ? {} : { authorization },
    socket: { remoteAddress: '192.0.2.1' },
  };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe('OperatorGuard', () => {
  it('lets the operator token through', async () => {
    expect(await guard.canActivate(contextWith(`Bearer ${TOKEN}`))).toBe(true);
  });

  it.each([undefined, '', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, 'Bearer '])(
    'refuses %j',
    async (header) => {
      await expect(guard.canActivate(contextWith(header))).rejects.toThrow(OperatorTokenInvalidError);
    },
  );
});
