export * from './http-request-logger.js';
export * from './logger.js';
export * from './logger.module.js';
export * from './nest-logger.js';
export * from './metrics.js';
export * from './metrics.module.js';
export * from './latency-histogram.js';
export * from './request-log-context.js';
