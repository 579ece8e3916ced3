import { z } from 'zod';
import { label, webUrl } from '../http/schemas.js';
import { listPositionQuery } from '../http/list-query.js';

// The tenant's own key for the node (a site or contract id), kept exactly as sent.
const externalRef = z.string().min(1).max(200);

export const newCemNode = z.strictObject({
  brand: label,
  type: label,
  modelName: label,
  userDefinedName: label.optional(),
  logoUrl: webUrl.optional(),
  externalRef: externalRef.optional(),
});

/** Absent leaves a field as it is; null clears an optional one. */
export const cemNodeChanges = z.strictObject({
  brand: label.optional(),
  type: label.optional(),
  modelName: label.optional(),
  userDefinedName: label.nullable().optional(),
  logoUrl: webUrl.nullable().optional(),
  externalRef: externalRef.nullable().optional(),
});

export const cemNodeListQuery = listPositionQuery.extend({ externalRef: externalRef.optional() });
