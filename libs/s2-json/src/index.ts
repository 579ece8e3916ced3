export * from './builders.js';
export * from './frame.js';
export * from './messages.js';
export * from './session-rules.js';
export * from './validate.js';
export * from './versions.js';
export * from './examples.js';
