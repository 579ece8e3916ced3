import { z } from 'zod';
import type { PairingDetails } from '#store';
import { component, isoDateTime, page } from '../openapi/components.js';

/** S2 Connect's NodeDescription and EndpointDescription, as the RM endpoint sent them. */
export const s2Description = z.record(z.string(), z.unknown());

export const pairingViewSchema = component(
  'Pairing',
  z.object({
    cemNodeId: z.uuid(),
    rmNodeId: z.string(),
    rmNodeDescription: s2Description,
    rmEndpointDescription: s2Description,
    pairedAt: isoDateTime,
    connected: z.boolean().meta({ description: 'whether the RM has a live session now' }),
  }),
);

export type PairingView = Omit<z.output<typeof pairingViewSchema>, 'rmNodeDescription' | 'rmEndpointDescription'> & {
  rmNodeDescription: unknown;
  rmEndpointDescription: unknown;
};

export const pairingPageSchema = component('PairingPage', page(pairingViewSchema));

export function pairingView(pairing: PairingDetails, connected: boolean): PairingView {
  return {
    cemNodeId: pairing.cemNodeId,
    rmNodeId: pairing.rmNodeId,
    rmNodeDescription: pairing.rmNodeDescription,
    rmEndpointDescription: pairing.rmEndpointDescription,
    pairedAt: pairing.pairedAt.toISOString(),
    connected,
  };
}
