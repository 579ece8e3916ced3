import { z } from 'zod';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

/**
 * `?limit=&cursor=` of a cursor-paginated list. The cursor comes back decoded into the position it
 * holds; one that `decode` does not recognise (forged, or from another list) is a 400 naming it.
 */
export function pageQuery<Key>(decode: (cursor: string) => Key | undefined) {
  return z.strictObject({
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
    cursor: z
      .string()
      .max(1000)
      .transform((text, ctx) => {
        const key = decode(text);
        if (key === undefined) {
          ctx.issues.push({ code: 'custom', message: 'is not a cursor of this list', input: text });
          return z.NEVER;
        }
        return key;
      })
      .optional(),
  });
}
