/** The communication protocols this broker speaks, best first. */
export const COMMUNICATION_PROTOCOLS = ['WebSocket'] as const;
export type CommunicationProtocolName = (typeof COMMUNICATION_PROTOCOLS)[number];

/** Our best option that the peer offered, or undefined. Exact string match, as the specification asks. */
export function selectOffered<T extends string>(ours: readonly T[], offered: readonly string[]): T | undefined {
  return ours.find((option) => offered.includes(option));
}
