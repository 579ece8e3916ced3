import { describe, expect, it } from 'vitest';
import type { Envelope, ToCem } from './envelopes.js';
import { decodeBatch, encodeBatch, WireError } from './wire.js';

const toCem = (message: string, id = 1): ToCem => ({
  kind: 'to-cem',
  id,
  from: 'replica-a',
  channelId: 'c',
  sessionId: 's',
  rmNodeId: 'r',
  cemNodeId: 'n',
  message,
  sentAt: 1_700_000_000_000,
  readAt: 1_699_999_999_999.125,
});

describe('wire batches', () => {
  it('round-trips every kind of envelope, in order', () => {
    const batch: Envelope[] = [
      toCem('{"message_type":"FRBC.SystemDescription","x":"a\\nb"}'),
      { kind: 'ack', id: 7, outcome: 'rejected', reply: '{"status":"INVALID_CONTENT"}' },
      {
        kind: 'to-rm',
        id: 2,
        from: 'b',
        rmNodeId: 'r',
        sessionId: 's',
        message: '{\n  "pretty": true\n}',
        sentAt: 5,
        readAt: 4.5,
      },
      { kind: 'delivered', ids: [1, 2, 3] },
      { kind: 'session-closed', channelId: 'c', rmNodeId: 'r', sessionId: 's', cemNodeId: 'n', reason: 'replaced' },
      toCem('', 9),
      toCem('ünïcødé 🔋 "quoted" \\ backslash', 10),
      // A message's number in its session, and one sent again with the id it was last sent under.
      { ...toCem('{"message_type":"PowerMeasurement"}', 11), seq: 4 },
      { ...toCem('{"message_type":"PowerMeasurement"}', 12), seq: 3, was: 8 },
    ];
    // Every field of every envelope comes back (the decoder may leave its own bookkeeping beside them).
    expect(decodeBatch(encodeBatch(batch))).toMatchObject(batch);
  });

  it('carries the message text unescaped, so that its bytes are not inflated', () => {
    const message = '{"message_type":"ReceptionStatus","status":"OK"}';
    expect(encodeBatch([toCem(message)])).toContain(message);
  });

  it('decodes an empty batch to nothing', () => {
    expect(decodeBatch('')).toEqual([]);
  });

  it.each([
    ['a line without its end', '{"kind":"ack","id":1,"outcome":"gone"}'],
    ['a line that is not JSON', 'nope\n'],
    ['a line that is not an envelope', '[1,2]\n'],
    ['a message length beyond the batch', '{"kind":"to-cem","m":99}\n{}'],
    ['a negative message length', '{"kind":"to-cem","m":-1}\n'],
  ])('refuses %s', (_name, text) => {
    expect(() => decodeBatch(text)).toThrow(WireError);
  });

  it('never throws anything but WireError on text cut anywhere', () => {
    const text = encodeBatch([toCem('{"a":1}'), toCem('{"b":2}', 2)]);
    for (let cut = 0; cut < text.length; cut++) {
      try {
        decodeBatch(text.slice(0, cut));
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
      }
    }
  });
});
