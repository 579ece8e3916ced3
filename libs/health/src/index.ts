export * from './drain.module.js';
export * from './drain.service.js';
export * from './health.module.js';
export * from './health.service.js';
export * from './with-timeout.js';
