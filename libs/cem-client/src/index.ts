// A client of the broker's CEM channel (`GET /cem/v1/ws`), for tenants' CEM software, tests and benchmarks.
export * from './backoff.js';
export * from './channel.js';
export * from './channel-url.js';
export * from './errors.js';
export * from './frames.js';
export * from './parse-frame.js';
