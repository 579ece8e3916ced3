// Small Lua scripts: each runs atomically on the Redis server, so two replicas never both win.

/** Replace a value only if it is still the one we read (compare-and-set), keeping its expiry. */
export const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0`;

/** Delete a value only if it is still the one we read. */
export const COMPARE_AND_DELETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;
