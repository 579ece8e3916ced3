export * from './api.module.js';
export * from './openapi/api-docs.js';
export * from './console-app/serve-console.js';
