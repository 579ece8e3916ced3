import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { auditEventCursor } from '#store';
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
    expect(auditSearch(pipe.transform({}))).toEqual({ filter: {}, page: { limit: 50, after: undefined } });
  });

  it('reads the filters and the cursor', () => {
    const parsed = pipe.transform({
      limit: '1000',
      cursor: auditEventCursor.encode(42n),
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
      page: { limit: 1000, after: 42n },
    });
  });

  it.each([
    [{ cursor: 'nope' }, 'cursor: is not a cursor of this listing'],
    [{ cursor: Buffer.from('["0"]').toString('base64url') }, 'cursor: is not a cursor of this listing'],
    [{ from: 'yesterday' }, 'from: must be an ISO 8601 date-time'],
    [{ subject: 'x' }, 'subject: is not allowed'],
  ])('refuses %j', (query, message) => {
    expect(refusal(query)).toBe(message);
  });
});
