import { describe, expect, it } from 'vitest';
import { listPositionCursor } from '#store';
import { listPositionQuery, pageQuery, pageRequest } from './list-query.js';
import { ZodBodyPipe } from './zod-body.pipe.js';

const position = { at: new Date('2026-01-02T03:04:05.678Z'), id: '0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d' };
const query = new ZodBodyPipe(listPositionQuery);

function refusal(pipe: ZodBodyPipe<typeof listPositionQuery>, value: unknown): string {
  try {
    pipe.transform(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('pageQuery', () => {
  it('defaults to 50 and no cursor', () => {
    expect(query.transform({})).toEqual({ limit: 50 });
  });

  it('reads the limit and decodes the cursor', () => {
    const parsed = query.transform({ limit: '1000', cursor: listPositionCursor.encode(position) });
    expect(parsed).toEqual({ limit: 1000, cursor: position });
    expect(pageRequest(parsed)).toEqual({ limit: 1000, after: position });
  });

  it.each([
    [{ limit: '0' }, 'limit: must be at least 1'],
    [{ limit: '1001' }, 'limit: must be at most 1000'],
    [{ limit: '2.5' }, 'limit: must be an integer'],
    [{ limit: 'ten' }, 'limit: must be a number'],
    [{ cursor: 'x' }, 'cursor: is not a cursor of this listing'],
    [{ page: '2' }, 'page: is not allowed'],
  ])('refuses %j', (value, message) => {
    expect(refusal(query, value)).toBe(message);
  });

  it('takes a smaller maximum', () => {
    expect(refusal(new ZodBodyPipe(pageQuery(listPositionCursor, 100)), { limit: '101' })).toBe(
      'limit: must be at most 100',
    );
  });
});
