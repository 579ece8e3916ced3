export * from './cem-node.repository.js';
export * from './clock.js';
export * from './pairing-code.repository.js';
export * from './records.js';
export * from './service-account.repository.js';
export * from './store.module.js';
export * from './tenant.repository.js';
export * from './uuid.js';
