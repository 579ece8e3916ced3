/** One stream entry as the webhook reader sees it; `event` is undefined for an entry already trimmed. */
export interface StreamEntry {
  id: string;
  event: string | undefined;
}

/**
 * The entries of an XREADGROUP or XAUTOCLAIM reply: `[id, [field, value, ...]]` each, where XAUTOCLAIM
 * gives null fields for an entry that was deleted while pending.
 */
export function streamEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: StreamEntry[] = [];
  for (const item of reply as unknown[]) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const fields: unknown = item[1];
    let event: string | undefined;
    if (Array.isArray(fields)) {
      const index = fields.indexOf('event');
      const value: unknown = index >= 0 ? fields[index + 1] : undefined;
      event = typeof value === 'string' ? value : undefined;
    }
    out.push({ id: item[0], event });
  }
  return out;
}
