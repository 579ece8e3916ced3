import { isUuid } from './uuid.js';

/** A page of a keyset-paginated list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Which page to read: `limit` items at most, after the item whose sort key is `after` (the first page without). */
export interface PageRequest<Key> {
  limit: number;
  after?: Key | undefined;
}

/**
 * A cursor is the sort key of the last item of a page, base64url-encoded JSON: opaque to clients, so
 * that the key can change without breaking them, and checked on the way back in because it comes from
 * outside (`decode` answers undefined for anything it did not make).
 */
export interface CursorCodec<Key> {
  encode(key: Key): string;
  decode(cursor: string): Key | undefined;
}

/** The codec of a sort key written as `arity` strings: `parse` checks them and builds the key. */
export function cursorCodec<Key>(
  arity: number,
  parts: (key: Key) => string[],
  parse: (parts: string[]) => Key | undefined,
): CursorCodec<Key> {
  return {
    encode: (key) => Buffer.from(JSON.stringify(parts(key)), 'utf8').toString('base64url'),
    decode: (cursor) => {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        return undefined;
      }
      const valid = Array.isArray(value) && value.length === arity && value.every((part) => typeof part === 'string');
      return valid ? parse(value as string[]) : undefined;
    },
  };
}

/** Where a list ordered by a time, then by id, stands: the time and id of an item. */
export interface ListPosition {
  at: Date;
  id: string;
}

/** The cursor of every `(time, id)` ordered list. */
export const listPositionCursor = cursorCodec<ListPosition>(
  2,
  ({ at, id }) => [at.toISOString(), id],
  ([at = '', id = '']) => {
    const time = new Date(at);
    return Number.isNaN(time.getTime()) || !isUuid(id) ? undefined : { at: time, id: id.toLowerCase() };
  },
);

/**
 * The condition of the rows past `after` in a list ordered by `field`, then id, both in `order`: a
 * where clause to spread (nothing for the first page).
 */
export function pastPosition<Field extends string>(
  field: Field,
  after: ListPosition | undefined,
  order: 'asc' | 'desc' = 'asc',
): { OR?: (Record<Field, { gt?: Date; lt?: Date }> | (Record<Field, Date> & { id: { gt?: string; lt?: string } }))[] } {
  if (after === undefined) return {};
  const past = order === 'asc' ? 'gt' : 'lt';
  return {
    OR: [
      { [field]: { [past]: after.at } } as Record<Field, { gt?: Date; lt?: Date }>,
      { [field]: after.at, id: { [past]: after.id } } as Record<Field, Date> & { id: { gt?: string; lt?: string } },
    ],
  };
}

/** A page of a list ordered by `field` (a time), then id, read with `limit + 1` rows. */
export function positionPage<Field extends string, Row extends Record<Field, Date> & { id: string }>(
  rows: Row[],
  limit: number,
  field: Field,
): Page<Row> {
  return pageOf(rows, limit, (row) => listPositionCursor.encode({ at: row[field], id: row.id }));
}

/** Rows were read with `limit + 1`: the extra one only tells that another page exists. */
export function pageOf<Row>(rows: Row[], limit: number, cursorOf: (row: Row) => string): Page<Row>;
export function pageOf<Row, T>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => string,
  view: (row: Row) => T,
): Page<T>;
export function pageOf<Row, T>(
  rows: Row[],
  limit: number,
  cursorOf: (row: Row) => string,
  view?: (row: Row) => T,
): Page<Row | T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: view === undefined ? items : items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}
