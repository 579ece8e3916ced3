export * from './tenant-auth.module.js';
export * from './tenant-auth.service.js';
export * from './tenant-principal.js';
export * from './tenant-token-rejected.error.js';
