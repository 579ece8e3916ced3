import type { PipeTransform } from '@nestjs/common';
import { isUuid } from '#store';

/**
 * A path id that is not a UUID names nothing: it is answered like an unknown id (`notFound`), never
 * passed on to PostgreSQL, which would refuse it with an error.
 */
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly notFound: () => Error) {}

  transform(value: string): string {
    if (!isUuid(value)) throw this.notFound();
    return value.toLowerCase();
  }
}
