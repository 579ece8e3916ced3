export * from './configure-http-app.js';
export * from './error-body.js';
export * from './http-error.filter.js';
