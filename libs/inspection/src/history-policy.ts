/**
 * How much message history a tenant keeps per RM (off by default: it is the homes' data). Both bounds
 * apply: the last `maxMessages` messages, none older than `maxAgeSeconds`.
 */
export interface HistoryPolicy {
  readonly maxMessages: number;
  readonly maxAgeSeconds: number;
}

/** The bounds an operator allows a tenant to choose within (Redis memory: messages x ~0.5 KiB x RMs). */
export const HISTORY_LIMITS = {
  maxMessages: { min: 1, max: 10_000 },
  maxAgeSeconds: { min: 60, max: 7 * 24 * 3600 },
} as const;

/** How long an inspector's watch lasts unless renewed, and how often the console renews it. */
export const TAP_TTL_MS = 15_000;
export const TAP_RENEW_MS = 5_000;
/** At most this many InspectedMessages a second for one watched RM; the rest are counted, not published. */
export const TAP_MAX_PER_SECOND = 200;
