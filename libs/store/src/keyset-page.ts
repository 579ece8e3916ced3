/** A page of a keyset-paginated list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  /** An opaque `nextCursor` of the previous page, or undefined for the first. */
  cursor?: string | undefined;
}

/**
 * Cursors are the sort key of the last item, base64url-encoded JSON: opaque to clients, so that the key
 * can change without breaking them, and checked on the way back in because they come from outside.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a cursor holds, or undefined when it is not one of `arity` strings. */
export function decodeCursor(cursor: string, arity: number): string[] | undefined {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(key) || key.length !== arity || !key.every((part) => typeof part === 'string')) return undefined;
  return key as string[];
}

/** Rows were read with `limit + 1`: the extra one only tells that another page exists. */
export function pageOf<Row, T>(
  rows: Row[],
  limit: number,
  key: (row: Row) => string[],
  view: (row: Row) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}

/** A cursor of a `(createdAt, id)` ordered list, or undefined when it is not one. */
export function decodeTimeIdCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const key = decodeCursor(cursor, 2);
  if (key === undefined) return undefined;
  const [at, id] = key as [string, string];
  const createdAt = new Date(at);
  return Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id) ? undefined : { createdAt, id };
}
