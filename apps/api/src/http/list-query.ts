import { z } from 'zod';
import { type CursorCodec, type ListPosition, listPositionCursor } from '#store';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

/**
 * `?limit=&cursor=` of a cursor-paginated list, to `extend` with the list's filters. The cursor comes
 * back decoded into the sort key it holds; one the list's codec does not recognise (forged, or from
 * another list) is a 400 naming it.
 */
export function pageQuery<Key>(cursor: CursorCodec<Key>, maxLimit = MAX_PAGE_LIMIT) {
  return z.strictObject({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(DEFAULT_PAGE_LIMIT),
    cursor: z
      .string()
      .max(1000)
      .transform((text, ctx) => {
        const key = cursor.decode(text);
        if (key === undefined) {
          ctx.issues.push({ code: 'custom', message: 'is not a cursor of this listing', input: text });
          return z.NEVER;
        }
        return key;
      })
      .optional(),
  });
}

/** The query of a list ordered by a time, then by id: most lists. */
export const listPositionQuery = pageQuery<ListPosition>(listPositionCursor);

/** The store's page request of a parsed query. */
export function pageRequest<Key>({ limit, cursor }: { limit: number; cursor?: Key | undefined }) {
  return { limit, after: cursor };
}
