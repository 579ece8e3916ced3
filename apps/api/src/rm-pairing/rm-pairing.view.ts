import { z } from 'zod';
import type { EndpointDescription, NodeDescription } from '#s2-connect';
import { component, isoDateTime } from '../openapi/components.js';
import { s2Description } from '../pairings/pairing.view.js';

/** A pairing as the tenant API shows it. */
export interface RmPairingView {
  cemNodeId: string;
  rmNodeId: string;
  rmNodeDescription: NodeDescription;
  rmEndpointDescription: EndpointDescription;
  pairedAt: string;
}

export const rmPairingViewSchema = component(
  'RmPairing',
  z.object({
    cemNodeId: z.uuid(),
    rmNodeId: z.string(),
    rmNodeDescription: s2Description,
    rmEndpointDescription: s2Description,
    pairedAt: isoDateTime,
  }),
);
