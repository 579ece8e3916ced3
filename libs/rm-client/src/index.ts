// The RM side of S2 Connect v1: pairing with a CEM endpoint and session initiation over fetch, unpairing,
// and the S2 WebSocket session itself.
export * from './api-version.js';
export * from './backoff.js';
export * from './errors.js';
export type { FetchLike } from './http.js';
export * from './pairing.js';
export * from './s2-session.js';
export * from './s2-session-error.js';
export * from './session.js';
// The HTTP layer, for the broker's own pairings as pairing client.
export { call, operationUrl, type HttpAnswer } from './http.js';
