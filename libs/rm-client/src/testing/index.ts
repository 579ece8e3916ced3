// For tests and benchmarks only: stand-ins for the CEM side of S2 Connect and of an S2 WebSocket.
export * from './fake-cem-endpoint.js';
export * from './fake-s2-websocket.js';
