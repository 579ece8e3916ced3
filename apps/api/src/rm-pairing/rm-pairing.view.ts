import type { EndpointDescription, NodeDescription } from '../../../../libs/s2-connect/src/generated/types.js';

/** A pairing as the tenant API shows it. */
export interface RmPairingView {
  cemNodeId: string;
  rmNodeId: string;
  rmNodeDescription: NodeDescription;
  rmEndpointDescription: EndpointDescription;
  pairedAt: string;
}
