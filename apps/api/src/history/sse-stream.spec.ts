import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SSE_BUFFER_LIMIT, SseStream } from './sse-stream.js';

/** A response whose socket takes nothing while `stalled`: what it was given stays in writableLength. */
function response() {
  const emitter = new EventEmitter();
  const written: string[] = [];
  const res = Object.assign(emitter, {
    statusCode: 0,
    writableLength: 0,
    ended: false,
    setHeader: () => undefined,
    write(text: string) {
      written.push(text);
      res.writableLength += text.length;
      return true;
    },
    end() {
      res.ended = true;
    },
  });
  return { res, written, stream: new SseStream(res as unknown as ServerResponse) };
}

describe('SseStream', () => {
  it('drops messages while the reader is behind, and says how many before the next one', () => {
    const { res, written, stream } = response();
    stream.open();
    stream.message('{"at":1}');
    res.writableLength = SSE_BUFFER_LIMIT + 1;
    stream.message('{"at":2}');
    stream.message('{"at":3}');
    res.writableLength = 0;
    stream.message('{"at":4}');
    expect(written).toEqual([
      ': open\n\n',
      'event: message\ndata: {"at":1}\n\n',
      'event: gap\ndata: {"dropped":2}\n\n',
      'event: message\ndata: {"at":4}\n\n',
    ]);
  });

  it('keeps a message with line breaks on one data line, and writes nothing after its end', () => {
    const { res, written, stream } = response();
    stream.message('{\n  "at": 5\n}');
    stream.end('unpaired');
    stream.message('{"at":6}');
    expect(written).toEqual(['event: message\ndata: {"at":5}\n\n', 'event: end\ndata: {"reason":"unpaired"}\n\n']);
    expect(res.ended).toBe(true);
  });
});
