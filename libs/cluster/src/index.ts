// The cluster layer: what the gateway replicas share through Redis (where each session and CEM channel
// is, each replica's inbox and heartbeat), and how envelopes travel between them.
export * from './cluster-keys.js';
export * from './envelopes.js';
export * from './replica-bus.js';
export * from './session-admission.js';
export * from './session-directory.js';
export * from './session-directory.module.js';
export * from './wire.js';
