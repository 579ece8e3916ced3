import { describe, expect, it } from 'vitest';
import { cursorCodec, listPositionCursor, pageOf, pastPosition, positionPage } from './keyset-page.js';

const ID = '0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d';
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('listPositionCursor', () => {
  it('round-trips the position, to the millisecond', () => {
    const position = { at: new Date('2026-01-02T03:04:05.678Z'), id: ID };
    expect(listPositionCursor.decode(listPositionCursor.encode(position))).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64 JSON', '!!!'],
    ['another arity', encode(['2026-01-01T00:00:00.000Z'])],
    ['not strings', encode([1, 2])],
    ['a bad date', encode(['yesterday', ID])],
    ['a bad id', encode(['2026-01-01T00:00:00.000Z', "x' OR 1=1"])],
  ])('refuses %s', (_case, cursor) => {
    expect(listPositionCursor.decode(cursor)).toBeUndefined();
  });
});

describe('cursorCodec', () => {
  const numbers = cursorCodec<number>(
    1,
    (n) => [String(n)],
    ([text = '']) => (/^\d+$/.test(text) ? Number(text) : undefined),
  );

  it('round-trips its key and lets the parser refuse', () => {
    expect(numbers.decode(numbers.encode(42))).toBe(42);
    expect(numbers.decode(encode(['x']))).toBeUndefined();
  });
});

describe('pageOf', () => {
  const cursorOf = (n: number) => String(n);
  const view = (n: number) => n * 10;

  it('gives no cursor when nothing is beyond the page', () => {
    expect(pageOf([], 2, cursorOf, view)).toEqual({ items: [], nextCursor: null });
    expect(pageOf([1, 2], 2, cursorOf)).toEqual({ items: [1, 2], nextCursor: null });
  });

  it("drops the look-ahead row and points after the page's last item", () => {
    expect(pageOf([1, 2, 3], 2, cursorOf, view)).toEqual({ items: [10, 20], nextCursor: '2' });
  });
});

describe('lists ordered by a time, then id', () => {
  const rows = [1, 2, 3].map((n) => ({ id: ID, createdAt: new Date(n * 1000) }));

  it('point after the last item of the page', () => {
    const page = positionPage(rows, 2, 'createdAt');
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(listPositionCursor.decode(page.nextCursor ?? '')).toEqual({ at: new Date(2000), id: ID });
  });

  it('read the rows past a position, either way', () => {
    const at = new Date(2000);
    expect(pastPosition('createdAt', undefined)).toEqual({});
    expect(pastPosition('createdAt', { at, id: ID })).toEqual({
      OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: ID } }],
    });
    expect(pastPosition('finishedAt', { at, id: ID }, 'desc')).toEqual({
      OR: [{ finishedAt: { lt: at } }, { finishedAt: at, id: { lt: ID } }],
    });
  });
});
