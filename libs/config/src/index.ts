export * from './config.js';
export * from './config.error.js';
export * from './config.module.js';
export * from './load-config.js';
export * from './secret-keys.js';
export * from './redis-target.js';
