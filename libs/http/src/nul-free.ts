// PostgreSQL cannot store a NUL character in text, so a request carrying one would fail deep inside
// as a 500. It is refused at the edge instead: 400 on HTTP (a ParsingError on the S2 Connect APIs).
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const MAX_DEPTH = 64;

/** Whether any string in a parsed JSON value (keys included) holds U+0000. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(item, depth + 1)) return true;
  }
  return false;
}

/** Refuses a body, query or path parameter that holds a NUL character. */
@Injectable()
export class NulFreePipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (containsNul(value)) throw new BadRequestException('strings must not contain the NUL character (\\u0000)');
    return value;
  }
}
