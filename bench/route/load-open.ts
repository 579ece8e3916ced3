// Opens a load worker's RM sessions: straight to the relay, or (broker) S2 Connect session initiation
// with the pairing's access token, then the upgrade with the websocket token, on the chosen replica.
import { startSession } from '#rm-client';
import type { LoadState } from './load-state.js';
import type { RmSpec, SocketSpec } from './protocol.js';
import { connect } from './ws-connect.js';

/** Matches the S2 JSON messages the bench sends. */
const S2_VERSIONS = ['v1.0.0'];

async function socketFor(spec: RmSpec): Promise<SocketSpec> {
  if (spec.kind === 'direct') return { url: spec.url };
  const session = await startSession({
    initiateSessionUrl: spec.initiateSessionUrl,
    apiVersion: 'v1',
    accessTokens: [spec.accessToken],
    clientNodeId: spec.rmNodeId,
    serverNodeId: spec.cemNodeId,
    supportedS2MessageVersions: S2_VERSIONS,
  });
  // The broker names its PUBLIC_URL; the bench decides which replica the RM lands on.
  const url = new URL(session.websocketUrl);
  url.hostname = '127.0.0.1';
  url.port = String(spec.port);
  return { url: url.toString(), bearer: session.websocketToken };
}

/**
 * Opens every RM with at most `concurrency` at a time; stops starting new ones at the first failure
 * (a refused upgrade would be refused for all) and rethrows it once those in flight are done.
 */
export async function openRms(state: LoadState, rms: readonly RmSpec[], concurrency: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < rms.length && failure === undefined; index = next++) {
      const spec = rms[index] as RmSpec;
      try {
        const ws = await connect(await socketFor(spec));
        state.addRm({ id: spec.rmNodeId, ws });
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, rms.length)) }, lane));
  if (failure !== undefined) throw failure;
}

/** Polls until `done()` or `timeoutMs`; says whether it got there. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    if (done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}
