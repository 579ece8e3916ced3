import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor, pageQuery, pageView } from './pagination.js';
import { ZodBodyPipe } from './zod-body.pipe.js';

const position = { at: new Date('2026-01-02T03:04:05.678Z'), id: '0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d' };
const query = new ZodBodyPipe(z.strictObject(pageQuery));

function refusal(value: unknown): string {
  try {
    query.transform(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('cursors', () => {
  it('round-trip the position, to the millisecond', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['', 'abc', Buffer.from('[1]').toString('base64url'), Buffer.from('[1.5,"x"]').toString('base64url')])(
    'refuses %j',
    (cursor) => {
      expect(decodeCursor(cursor)).toBeUndefined();
    },
  );
});

describe('pageQuery', () => {
  it('defaults to 50 and no cursor', () => {
    expect(query.transform({})).toEqual({ limit: 50, cursor: undefined });
  });

  it('reads the limit and the cursor', () => {
    expect(query.transform({ limit: '1000', cursor: encodeCursor(position) })).toEqual({
      limit: 1000,
      cursor: position,
    });
  });

  it.each([
    [{ limit: '0' }, 'limit: must be at least 1'],
    [{ limit: '1001' }, 'limit: must be at most 1000'],
    [{ cursor: 'x' }, 'cursor: is not a cursor of this listing'],
  ])('refuses %j', (value, message) => {
    expect(refusal(value)).toBe(message);
  });
});

describe('pageView', () => {
  const rows = [{ n: 1 }, { n: 2 }];
  const at = (row: { n: number }) => ({ at: new Date(row.n), id: position.id });

  it('has a cursor after the last row when more follow', () => {
    const view = pageView({ items: rows, more: true }, (row) => row.n, at);
    expect(view.items).toEqual([1, 2]);
    expect(decodeCursor(view.nextCursor ?? '')).toEqual({ at: new Date(2), id: position.id });
  });

  it('has none on the last page', () => {
    expect(pageView({ items: rows, more: false }, (row) => row.n, at).nextCursor).toBeNull();
  });
});
