// The gateway role, for the process that composes roles (`serve`) and for tests and benchmarks.
export * from './broker-events.consumer.js';
export * from './gateway.module.js';
export * from './limits.js';
export * from './recent-removals.js';
export * from './routing/gateway-node.js';
export * from './routing/local-hub.js';
export * from './routing/ports.js';
export * from './tenant-events.handler.js';
