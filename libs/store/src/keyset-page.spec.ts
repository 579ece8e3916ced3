import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeTimeIdCursor, encodeCursor, pageOf } from './keyset-page.js';

const ID = '0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d';

describe('cursors', () => {
  it('round-trip their key', () => {
    expect(decodeCursor(encodeCursor(['a', 'b']), 2)).toEqual(['a', 'b']);
    expect(decodeTimeIdCursor(encodeCursor(['2026-01-01T00:00:00.000Z', ID]))).toEqual({
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      id: ID,
    });
  });

  it.each([
    ['not base64 JSON', '!!!'],
    ['another arity', encodeCursor(['2026-01-01T00:00:00.000Z'])],
    ['not strings', Buffer.from('[1,2]').toString('base64url')],
    ['a bad date', encodeCursor(['yesterday', ID])],
    ['a bad id', encodeCursor(['2026-01-01T00:00:00.000Z', "x' OR 1=1"])],
  ])('refuses %s', (_case, cursor) => {
    expect(decodeTimeIdCursor(cursor)).toBeUndefined();
  });
});

describe('pageOf', () => {
  const key = (n: number) => [String(n)];
  const view = (n: number) => n * 10;

  it('gives no cursor when nothing is beyond the page', () => {
    expect(pageOf([], 2, key, view)).toEqual({ items: [], nextCursor: null });
    expect(pageOf([1, 2], 2, key, view)).toEqual({ items: [10, 20], nextCursor: null });
  });

  it("drops the look-ahead row and points after the page's last item", () => {
    const page = pageOf([1, 2, 3], 2, key, view);
    expect(page.items).toEqual([10, 20]);
    expect(decodeCursor(page.nextCursor ?? '', 1)).toEqual(['2']);
  });
});
