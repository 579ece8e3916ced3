import type { CemNodeRecord } from '../../../../libs/store/src/index.js';

export interface CemNodeView {
  id: string;
  nodeIdAlias: string;
  brand: string;
  type: string;
  modelName: string;
  userDefinedName: string | null;
  logoUrl: string | null;
  externalRef: string | null;
  createdAt: string;
}

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
