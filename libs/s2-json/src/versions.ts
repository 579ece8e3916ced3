/**
 * S2 JSON versions this broker speaks, best first. S2 Connect negotiates them by these exact strings
 * (`supportedS2MessageVersions` -> `selectedS2MessageVersion`).
 */
export const S2_JSON_VERSIONS = ['v1.0.0', 'v0.0.2-beta'] as const;

export type S2JsonVersion = (typeof S2_JSON_VERSIONS)[number];

export function isS2JsonVersion(value: unknown): value is S2JsonVersion {
  return typeof value === 'string' && (S2_JSON_VERSIONS as readonly string[]).includes(value);
}
