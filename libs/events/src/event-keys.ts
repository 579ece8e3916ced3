import { KEY_PREFIX } from '#redis';

export const eventKeys = {
  /** Stream: every pairing, session and tenant event, read by each gateway replica and the webhook worker. */
  events: () => `${KEY_PREFIX}events`,
} as const;
