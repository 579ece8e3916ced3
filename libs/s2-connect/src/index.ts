export * from './challenge.js';
export * from './errors.js';
export * from './negotiation.js';
export * from './pairing-attempt.js';
export * from './pairing-code.js';
export * from './request-pairing.js';
export * from './schemas.js';
export * from './session-initiation.js';
export type * from './generated/types.js';
