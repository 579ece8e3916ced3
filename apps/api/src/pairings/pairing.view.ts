import type { PairingDetails } from '../../../../libs/store/src/pairings/pairing-view.repository.js';

export interface PairingView {
  cemNodeId: string;
  rmNodeId: string;
  rmNodeDescription: unknown;
  rmEndpointDescription: unknown;
  pairedAt: string;
  /** Whether the RM has a live session now. */
  connected: boolean;
}

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
