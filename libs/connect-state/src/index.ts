export * from './connect-state.module.js';
export * from './keys.js';
export * from './node-pairing-gate.js';
export * from './pairing-attempt.store.js';
export * from './websocket-token.store.js';
