// How a batch of envelopes travels in one Redis message. Each envelope is one line of JSON; an
// envelope that carries an S2 message names its length in `m` and the message text follows the line
// as it is. S2 messages make up most of the bytes, and carrying them unescaped spares a
// stringify and a parse of every message on every hop.
import type { Envelope, ToCem, ToRm } from './envelopes.js';

const q = JSON.stringify;

/**
 * The header lines of the two envelopes that carry messages, written field by field: most envelopes
 * are these, and building and stringifying a copy of each without its message cost several times more.
 */
function messageHeader(e: ToCem | ToRm): string {
  return e.kind === 'to-cem'
    ? `{"kind":"to-cem","id":${e.id},"sentAt":${e.sentAt},"readAt":${e.readAt}${e.seq === undefined ? '' : `,"seq":${e.seq}`}${e.was === undefined ? '' : `,"was":${e.was}`},"from":${q(e.from)},"channelId":${q(e.channelId)},"sessionId":${q(e.sessionId)},"rmNodeId":${q(e.rmNodeId)},"cemNodeId":${q(e.cemNodeId)},"m":${e.message.length}}`
    : `{"kind":"to-rm","id":${e.id},"sentAt":${e.sentAt},"readAt":${e.readAt},"from":${q(e.from)},"sessionId":${q(e.sessionId)},"rmNodeId":${q(e.rmNodeId)},"m":${e.message.length}}`;
}

/** The encoded batch; envelopes in order. */
export function encodeBatch(batch: readonly Envelope[]): string {
  let text = '';
  for (const envelope of batch) {
    if (envelope.kind === 'to-cem' || envelope.kind === 'to-rm')
      text += `${messageHeader(envelope)}\n${envelope.message}`;
    else text += `${q(envelope)}\n`;
  }
  return text;
}

export class WireError extends Error {}

/** The envelopes of an encoded batch; throws WireError on text that `encodeBatch` did not write. */
export function decodeBatch(text: string): Envelope[] {
  const out: Envelope[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) throw new WireError('envelope line without its end');
    const header = parseHeader(text.slice(at, end));
    at = end + 1;
    const length = header['m'];
    if (typeof length === 'number') {
      if (!Number.isInteger(length) || length < 0 || at + length > text.length) {
        throw new WireError('message length beyond the batch');
      }
      // The length stays on the envelope, unread: removing it would cost the object its fast shape.
      header['message'] = text.slice(at, at + length);
      at += length;
    }
    out.push(header as unknown as Envelope);
  }
  return out;
}

function parseHeader(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new WireError('envelope line is not JSON');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    typeof (value as { kind?: unknown }).kind !== 'string'
  ) {
    throw new WireError('envelope line is not an envelope');
  }
  return value as Record<string, unknown>;
}
