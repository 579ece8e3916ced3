import { describe, expect, it } from 'vitest';
import { streamEntries } from './stream-entries.js';

describe('streamEntries', () => {
  it('reads ids and the event field of XREADGROUP entries', () => {
    expect(
      streamEntries([
        ['1-0', ['event', '{"type":"pairing.created"}']],
        ['2-0', ['other', 'x', 'event', '{}']],
      ]),
    ).toEqual([
      { id: '1-0', event: '{"type":"pairing.created"}' },
      { id: '2-0', event: '{}' },
    ]);
  });

  it('keeps entries XAUTOCLAIM reports without fields, so that they are acknowledged', () => {
    expect(streamEntries([['3-0', null]])).toEqual([{ id: '3-0', event: undefined }]);
  });

  it('ignores what is not a reply', () => {
    expect(streamEntries(null)).toEqual([]);
    expect(streamEntries([[1, []], 'x'])).toEqual([]);
  });
});
