import { z } from 'zod';
import { isUuid } from '#store';

/** A name, brand or similar label: trimmed, not empty. */
export const label = z.string().trim().min(1).max(200);

/** Logos are shown to end users by other apps; only web URLs make sense there. */
export const webUrl = z
  .string()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }));

/** An optional query parameter naming a UUID; another value is a 400 naming the parameter. */
export const uuidQuery = z
  .string()
  .refine(isUuid, { error: 'must be a UUID' })
  .transform((id) => id.toLowerCase())
  .optional();
