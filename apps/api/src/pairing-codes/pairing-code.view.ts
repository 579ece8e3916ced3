import { z } from 'zod';
import { component, isoDateTime } from '../openapi/components.js';

export const pairingCodeViewSchema = component(
  'PairingCode',
  z.object({
    pairingUrl: z.string(),
    pairingCode: z.string(),
    nodeIdAlias: z.string(),
    expiresAt: isoDateTime,
  }),
);

export type PairingCodeView = z.output<typeof pairingCodeViewSchema>;

export function pairingCodeView(issued: {
  pairingUrl: string;
  pairingCode: string;
  nodeIdAlias: string;
  expiresAt: Date;
}): PairingCodeView {
  return { ...issued, expiresAt: issued.expiresAt.toISOString() };
}
