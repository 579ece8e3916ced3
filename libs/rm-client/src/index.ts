// The RM side of S2 Connect v1 over fetch: pairing with a CEM endpoint, session initiation, unpairing.
export * from './api-version.js';
export * from './backoff.js';
export * from './errors.js';
export type { FetchLike } from './http.js';
export * from './pairing.js';
export * from './session.js';
