/** Redis Cluster's hash slots: CRC16 (XMODEM) of the key, or of its `{tag}`, modulo 16384. */
export const HASH_SLOTS = 16_384;

const TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

/** The slot Redis Cluster keeps `key` in (the rules of its specification, hash tags included). */
export function hashSlot(key: string): number {
  let bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    // An empty tag ("{}") is no tag: the whole key is hashed.
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number);
  return crc % HASH_SLOTS;
}
