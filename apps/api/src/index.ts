export * from './api.module.js';
export * from './openapi/api-docs.js';
