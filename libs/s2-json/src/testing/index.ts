// For tests and benchmarks only: the specification's files and schema-generated message instances.
export * from './schema-instances.js';
export * from './spec-files.js';
export * from './messages.js';
