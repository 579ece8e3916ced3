// The cluster layer: what the gateway replicas share (where each session and CEM channel is, each
// replica's inbox and heartbeat) and how envelopes travel between them; Redis implementations for the
// broker, in-memory twins for tests.
export * from './cluster-keys.js';
export * from './envelopes.js';
export * from './in-memory-replica-bus.js';
export * from './in-memory-session-directory.js';
export * from './redis-replica-bus.js';
export * from './redis-session-directory.js';
export * from './replica-bus.js';
export * from './session-admission.js';
export * from './session-directory.js';
export * from './session-directory.module.js';
export * from './wire.js';
export * from './replica-registry.js';
