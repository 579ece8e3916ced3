export * from './bearer-token.js';
export * from './secrets.js';
export * from './random-source.js';
export * from './secret-hasher.js';
export * from './security.module.js';
export * from './secret-cipher.js';
export * from './password-hasher.js';
