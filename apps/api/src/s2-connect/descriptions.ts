import type { EndpointDescription, NodeDescription } from '#s2-connect';
import type { CemNodeRecord, TenantRef } from '#store';

/** How a CEM node hosted here presents itself to an RM. */
export function serverNodeDescription(node: CemNodeRecord): NodeDescription {
  const description: NodeDescription = {
    id: node.id,
    brand: node.brand,
    type: node.type,
    modelName: node.modelName,
    role: 'CEM',
  };
  if (node.userDefinedName !== null) description.userDefinedName = node.userDefinedName;
  if (node.logoUrl !== null) description.logoUrl = node.logoUrl;
  return description;
}

/** The endpoint carries the tenant's brand: the end user sees the aggregator, not the operator. */
export function serverEndpointDescription(tenant: TenantRef): EndpointDescription {
  const description: EndpointDescription = { name: tenant.name, deployment: 'WAN' };
  if (tenant.logoUrl !== null) description.logoUrl = tenant.logoUrl;
  return description;
}

/** Public URLs of this endpoint, from PUBLIC_URL. */
export function publicUrls(publicUrl: string): {
  pairingUrl: string;
  initiateSessionUrl: string;
  websocketUrl: string;
} {
  const base = publicUrl.replace(/\/+$/, '');
  const ws = new URL(`${base}/s2/v1/ws`);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  return { pairingUrl: `${base}/pairing/`, initiateSessionUrl: `${base}/session/`, websocketUrl: ws.toString() };
}
