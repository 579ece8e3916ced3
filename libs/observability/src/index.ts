export * from './http-request-logger.js';
export * from './logger.js';
export * from './logger.module.js';
export * from './nest-logger.js';
