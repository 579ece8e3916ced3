export * from './connect-state.module.js';
export * from './event-bus.js';
export * from './keys.js';
export * from './node-pairing-gate.js';
export * from './pairing-attempt.store.js';
export * from './tenant-events.js';
export * from './websocket-token.store.js';
