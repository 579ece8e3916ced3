// A client of the broker's CEM channel (`GET /cem/v1/ws`), for tenants' CEM software, tests and benchmarks.
// Published on its own as @s2-broker/cem-client: nothing here may import from outside this folder.
export * from './backoff.js';
export * from './channel.js';
export * from './channel-url.js';
export * from './errors.js';
export * from './frames.js';
export * from './heartbeat.js';
export * from './parse-frame.js';
export * from './service-account.js';
