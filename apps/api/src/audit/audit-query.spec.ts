import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../../libs/store/src/index.js';
import { ZodBodyPipe } from '../http/zod-body.pipe.js';
import { auditQuery, auditSearch } from './audit-query.js';

const pipe = new ZodBodyPipe(auditQuery);

function refusal(query: Record<string, string>): string {
  try {
    pipe.transform(query);
  } catch (error) {
    if (error instanceof BadRequestException) return String(error.message);
    throw error;
  }
  throw new Error('expected a BadRequestException');
}

describe('auditQuery', () => {
  it('defaults to the first page of 50', () => {
    expect(auditSearch(pipe.transform({}))).toEqual({ filter: {}, page: { limit: 50, before: undefined } });
  });

  it('reads the filters and the cursor', () => {
    const parsed = pipe.transform({
      limit: '1000',
      cursor: encodeCursor(['42']),
      action: 'tenant.suspended',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T00:00:00+01:00',
    });
    expect(auditSearch(parsed)).toEqual({
      filter: {
        action: 'tenant.suspended',
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-01T23:00:00Z'),
      },
      page: { limit: 1000, before: 42n },
    });
  });

  it.each([
    [{ limit: '0' }, 'limit: must be at least 1'],
    [{ limit: '1001' }, 'limit: must be at most 1000'],
    [{ limit: '2.5' }, 'limit: must be an integer'],
    [{ limit: 'ten' }, 'limit: must be a number'],
    [{ cursor: 'nope' }, 'cursor: is not a cursor of this list'],
    [{ cursor: encodeCursor(['0']) }, 'cursor: is not a cursor of this list'],
    [{ from: 'yesterday' }, 'from: must be an ISO 8601 date-time'],
    [{ subject: 'x' }, 'subject: is not allowed'],
  ])('refuses %j', (query, message) => {
    expect(refusal(query)).toBe(message);
  });
});
