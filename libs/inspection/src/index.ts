// The message inspector and history: the shapes and Redis keys that the gateway (writer) and the console
// (reader) share.
export * from './history-policy.js';
export * from './inspected-message.js';
export * from './inspection-keys.js';
