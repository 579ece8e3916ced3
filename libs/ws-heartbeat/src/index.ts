// The heartbeat ships inside the CEM channel package, which tenants install on its own and so cannot
// depend on this repository's other libs; the RM side takes the same code from there.
export { startHeartbeat, type HeartbeatOptions } from '#cem-client';
