// PostgreSQL cannot store a NUL character in text, nor a lone UTF-16 surrogate in json (JSON text may
// escape one, `"\ud800"`, but it names no character), so a request carrying one would fail deep inside
// as a 500. It is refused at the edge instead: 400 on HTTP (a ParsingError on the S2 Connect APIs).
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const MAX_DEPTH = 64;

export const UNSTORABLE_TEXT = 'strings must not contain the NUL character (\\u0000) or a lone surrogate';

// A high surrogate not followed by a low one, or a low one without a high one before it.
// (String.prototype.isWellFormed is newer than the Node versions the broker runs on.)
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function storable(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** Whether any string in a parsed JSON value (keys included) holds U+0000 or a lone surrogate. */
export function containsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !storable(value);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => containsUnstorableText(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (!storable(key) || containsUnstorableText(item, depth + 1)) return true;
  }
  return false;
}

/** Refuses a body, query or path parameter that holds a NUL character or a lone surrogate. */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (containsUnstorableText(value)) throw new BadRequestException(UNSTORABLE_TEXT);
    return value;
  }
}
