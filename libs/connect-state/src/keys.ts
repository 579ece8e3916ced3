import { KEY_PREFIX } from '#redis';

// The short-lived S2 Connect state shared by every replica.
export const keys = {
  pairingAttempt: (attemptIdHash: string) => `${KEY_PREFIX}pairing-attempt:${attemptIdHash}`,
  nodePairingGate: (cemNodeId: string) => `${KEY_PREFIX}pairing-gate:${cemNodeId}`,
  websocketToken: (tokenHash: string) => `${KEY_PREFIX}ws-token:${tokenHash}`,
} as const;
