import { z } from 'zod';
import { isUuid, type ListPosition, type RowPage } from '../../../../libs/store/src/index.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/**
 * The cursor names the last row of the page (its time and id): opaque to clients, and stable while
 * rows are added or removed, unlike an offset.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.at.getTime(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [ms, id] = value as unknown[];
    if (!Number.isSafeInteger(ms) || typeof id !== 'string' || !isUuid(id)) return undefined;
    return { at: new Date(ms as number), id: id.toLowerCase() };
  } catch {
    return undefined;
  }
}

/** `?limit=&cursor=` of every cursor-paginated listing; spread into the listing's query schema. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const position = decodeCursor(text);
      if (position === undefined) ctx.addIssue({ code: 'custom', message: 'is not a cursor of this listing' });
      return position;
    }),
};

/** An optional query parameter naming a UUID; another value is a 400 naming the parameter. */
export const uuidQuery = z
  .string()
  .refine(isUuid, { error: 'must be a UUID' })
  .transform((id) => id.toLowerCase())
  .optional();

export interface PageView<V> {
  items: V[];
  nextCursor: string | null;
}

export function pageView<T, V>(
  page: RowPage<T>,
  view: (item: T) => V,
  position: (item: T) => ListPosition,
): PageView<V> {
  const last = page.items.at(-1);
  return {
    items: page.items.map(view),
    nextCursor: page.more && last !== undefined ? encodeCursor(position(last)) : null,
  };
}
