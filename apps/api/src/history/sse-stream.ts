import type { ServerResponse } from 'node:http';

/** Bytes an SSE stream may have waiting in its socket before its messages are dropped, not queued. */
export const SSE_BUFFER_LIMIT = 256 * 1024;
/** A comment line this often keeps proxies from closing a quiet stream. */
export const SSE_KEEPALIVE_MS = 15_000;

/**
 * One Server-Sent Events response. A viewer that reads slower than the RM talks loses messages rather
 * than growing the API's memory: while more than SSE_BUFFER_LIMIT bytes wait, messages are counted and
 * dropped, and the next one that fits is preceded by `event: gap` with how many were dropped.
 */
export class SseStream {
  private dropped = 0;
  private readonly keepalive: NodeJS.Timeout;
  private ended = false;

  constructor(private readonly res: ServerResponse) {
    // Sent with the first write, so that a refusal before it can still answer with an error body.
    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    this.keepalive = setInterval(() => this.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    this.keepalive.unref();
    res.on('close', () => this.stop());
  }

  /** Opens the stream: headers, and a first comment so that the client knows it is live. */
  open(): void {
    this.write(': open\n\n');
  }

  message(json: string): void {
    if (this.ended) return;
    if (this.res.writableLength > SSE_BUFFER_LIMIT) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      this.write(`event: gap\ndata: {"dropped":${this.dropped}}\n\n`);
      this.dropped = 0;
    }
    // An RM may send pretty-printed JSON, spliced in as it came: a line break would end the data field.
    const line = /[\r\n]/.test(json) ? JSON.stringify(JSON.parse(json)) : json;
    this.write(`event: message\ndata: ${line}\n\n`);
  }

  end(reason: string): void {
    if (this.ended) return;
    this.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.stop();
    this.res.end();
  }

  private write(text: string): void {
    if (!this.ended) this.res.write(text);
  }

  private stop(): void {
    this.ended = true;
    clearInterval(this.keepalive);
  }
}
