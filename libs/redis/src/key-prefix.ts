/** Every key and channel of the broker starts with this. Secrets never appear in a key: they are hashed first. */
export const KEY_PREFIX = 's2b:';
