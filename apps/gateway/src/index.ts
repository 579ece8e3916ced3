// The gateway role, for the process that composes roles (`serve`) and for tests and benchmarks.
export * from './gateway.module.js';
export * from './limits.js';
export * from './pairing-events.consumer.js';
export * from './router.service.js';
export * from './tenant-events.handler.js';
