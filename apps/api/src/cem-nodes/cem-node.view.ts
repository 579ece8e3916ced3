import { z } from 'zod';
import type { CemNodeRecord } from '#store';
import { component, isoDateTime, page } from '../openapi/components.js';

export const cemNodeViewSchema = component(
  'CemNode',
  z.object({
    id: z.uuid(),
    nodeIdAlias: z.string(),
    brand: z.string(),
    type: z.string(),
    modelName: z.string(),
    userDefinedName: z.string().nullable(),
    logoUrl: z.string().nullable(),
    externalRef: z.string().nullable(),
    createdAt: isoDateTime,
  }),
);

export type CemNodeView = z.output<typeof cemNodeViewSchema>;

export const cemNodePageSchema = component('CemNodePage', page(cemNodeViewSchema));

export function cemNodeView(node: CemNodeRecord): CemNodeView {
  return {
    id: node.id,
    nodeIdAlias: node.nodeIdAlias,
    brand: node.brand,
    type: node.type,
    modelName: node.modelName,
    userDefinedName: node.userDefinedName,
    logoUrl: node.logoUrl,
    externalRef: node.externalRef,
    createdAt: node.createdAt.toISOString(),
  };
}
