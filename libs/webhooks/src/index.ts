export * from './backoff.js';
export * from './endpoint-url.js';
export * from './event-types.js';
export * from './lane-queue.js';
export * from './payload.js';
export * from './signature.js';
export * from './webhooks.module.js';
