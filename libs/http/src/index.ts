export * from './configure-http-app.js';
export * from './error-body.js';
export * from './http-error.filter.js';
export * from './send-error-body.js';
export * from './lenient-json-body.js';
export * from './dependency-outage.js';
export * from './nul-free.js';
