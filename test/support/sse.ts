// A Server-Sent Events reader for end-to-end tests, over fetch: collects every event, and waits for the
// one a test expects.
import { taker } from './taker.js';

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

export interface SseStream {
  readonly status: number;
  readonly contentType: string | null;
  readonly events: SseEvent[];
  /** Comment lines (without the colon), such as the stream's first `open`. */
  readonly comments: string[];
  /** The next event (after those already taken) that matches, waiting up to `timeoutMs`. */
  next(match?: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves once the server ended the stream. */
  readonly ended: Promise<void>;
  /** The body of a refusal (not an event stream). */
  readonly body?: unknown;
  close(): void;
}

function parseBlock(block: string): SseEvent | string | undefined {
  let event = 'message';
  const data: string[] = [];
  let comment: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) return { event, data: data.join('\n') };
  return comment;
}

export async function openSse(url: string, bearer?: string): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
    signal: abort.signal,
  });
  const contentType = response.headers.get('content-type');
  const close = () => abort.abort();
  if (!contentType?.startsWith('text/event-stream')) {
    const text = await response.text();
    return {
      status: response.status,
      contentType,
      events: [],
      comments: [],
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      next: () => Promise.reject(new Error(`not an event stream: ${response.status} ${text}`)),
      ended: Promise.resolve(),
      close,
    };
  }
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const eventTaker = taker(events, 'event');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const parsed = parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (typeof parsed === 'string') comments.push(parsed);
          else if (parsed !== undefined) events.push(parsed);
          eventTaker.wake();
        }
      }
    } catch {
      // Aborted by the test.
    }
  })();
  return {
    status: response.status,
    contentType,
    events,
    comments,
    ended,
    close,
    next: eventTaker.next,
  };
}
