/** Every key and channel of the broker starts with this. Secrets never appear in a key: they are hashed first. */
export const KEY_PREFIX = 's2b:';

/**
 * Whether keys carry Redis Cluster hash tags. Set once, when the process opens its Redis (see
 * `createRedis`): on one server a tag changes nothing but the name, and keeping the names of the
 * versions before it lets old and new replicas share one Redis through a rolling update.
 */
let hashTags = false;

export function useHashTags(on: boolean): void {
  hashTags = on;
}

export function hashTagsInUse(): boolean {
  return hashTags;
}

/**
 * A key that must share its hash slot with the other keys named after `tag`: `s2b:<name>` on one
 * server, `s2b:{<tag>}:<name>` on a cluster (`s2b:{<tag>}` when the name is the tag itself).
 */
export function slotKey(tag: string, name: string = tag): string {
  if (!hashTags) return `${KEY_PREFIX}${name}`;
  return name === tag ? `${KEY_PREFIX}{${tag}}` : `${KEY_PREFIX}{${tag}}:${name}`;
}
