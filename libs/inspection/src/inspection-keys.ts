import { KEY_PREFIX, slotKey } from '#redis';

export const inspectionKeys = {
  /**
   * Hash: rmNodeId -> until when (ms since the epoch) an inspector watches that RM. The console refreshes
   * its entry while the inspector is open; every gateway replica reads the hash once a second, so an RM
   * nobody watches costs the hot path one look-up in an empty set.
   */
  taps: () => slotKey('taps'),
  /** Pub/sub channel: one InspectedMessage (JSON) for each message of a watched RM. */
  tap: (rmNodeId: string) => `${KEY_PREFIX}tap:${rmNodeId}`,
  /**
   * Hash: API process id -> until when it has viewers of that RM. The last process to stop watching
   * removes the RM from `taps`, so one process's viewers leaving does not end another's watch. In the
   * slot of `taps`, which the script that stops a watch touches with it.
   */
  tapWatchers: (rmNodeId: string) => slotKey('taps', `tap-watchers:${rmNodeId}`),
  /** Sorted set: a tenant's open live streams, scored by until when each is renewed. */
  liveStreams: (tenantId: string) => `${KEY_PREFIX}live-streams:${tenantId}`,
  /** List, newest first: the RM's InspectedMessages (JSON), kept only for tenants that keep a history. */
  history: (rmNodeId: string) => `${KEY_PREFIX}history:${rmNodeId}`,
} as const;
