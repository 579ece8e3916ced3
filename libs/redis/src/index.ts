export * from './create-redis.js';
export * from './redis.module.js';
export * from './redis.service.js';
export * from './key-prefix.js';
export * from './hash-slot.js';
