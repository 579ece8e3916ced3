export * from './event-bus.js';
export * from './event-keys.js';
export * from './events.module.js';
export * from './tenant-events.js';
